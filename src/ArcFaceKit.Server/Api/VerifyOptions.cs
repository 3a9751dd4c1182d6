using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The choices of a 1:1 verification, each a form field or a query parameter (the form's wins): largest=true takes the
/// largest face of a photo with several, threshold a cosine similarity, scoring the rule against a subject's faces.
/// </summary>
// Init properties, not a positional record: the form binder asks a value of every constructor parameter. Each is
// named for the query as on the wire: the OpenAPI document would otherwise list it capitalised.
internal sealed record VerifyOptions
{
    [FromQuery(Name = "largest")]
    public bool? Largest { get; init; }

    [FromQuery(Name = "threshold")]
    public float? Threshold { get; init; }

    [FromQuery(Name = "scoring")]
    public string? Scoring { get; init; }

    /// <summary>These (the form's; none when the form has no such field) over the query's.</summary>
    public static VerifyOptions Asked(VerifyOptions? form, VerifyOptions query) => form is null ? query : new()
    {
        Largest = form.Largest ?? query.Largest,
        Threshold = form.Threshold ?? query.Threshold,
        Scoring = form.Scoring ?? query.Scoring,
    };
}
