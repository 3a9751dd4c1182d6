using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The choices of a 1:N search, each a form field or a query parameter (the form's wins): the threshold (cosine), k
/// subjects a face, the scoring rule, and collect=true to keep the unknown faces.
/// </summary>
// Init properties, not a positional record: the form binder asks a value of every constructor parameter. Each is
// named for the query as on the wire: the OpenAPI document would otherwise list it capitalised.
internal sealed record RecognizeOptions
{
    [FromQuery(Name = "threshold")]
    public float? Threshold { get; init; }

    [FromQuery(Name = "k")]
    public int? K { get; init; }

    [FromQuery(Name = "scoring")]
    public string? Scoring { get; init; }

    [FromQuery(Name = "collect")]
    public bool? Collect { get; init; }

    /// <summary>The form's (none when the form has no such field) over the query's.</summary>
    public static RecognizeOptions Asked(RecognizeOptions? form, RecognizeOptions query) => form is null ? query : new()
    {
        Threshold = form.Threshold ?? query.Threshold,
        K = form.K ?? query.K,
        Scoring = form.Scoring ?? query.Scoring,
        Collect = form.Collect ?? query.Collect,
    };
}
