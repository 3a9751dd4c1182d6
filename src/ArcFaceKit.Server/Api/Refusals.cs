using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The refusals a handler answers itself, as typed results. <see cref="ProblemHttpResult"/> writes them through the
/// same problem details service as <see cref="ProblemMapping"/> writes the refusals thrown below the handlers, so both
/// kinds read the same on the wire.
/// </summary>
internal static class Refusals
{
    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
