using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The choice of an enrolment, a form field or a query parameter (the form's wins): largest=true takes the largest
/// face of a photo with several.
/// </summary>
// Init properties, not a positional record: the form binder asks a value of every constructor parameter. Each is
// named for the query as on the wire: the OpenAPI document would otherwise list it capitalised.
internal sealed record EnrollOptions
{
    [FromQuery(Name = "largest")]
    public bool? Largest { get; init; }

    /// <summary>The form's (none when the form has no such field) over the query's.</summary>
    public static EnrollOptions Asked(EnrollOptions? form, EnrollOptions query) => new() { Largest = form?.Largest ?? query.Largest };
}
