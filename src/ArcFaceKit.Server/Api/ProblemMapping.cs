using ArcFaceKit.Imaging;
using ArcFaceKit.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace ArcFaceKit.Server.Api;

/// <summary>Turns every failure into RFC 7807 problem details with a clear message; internals never leak.</summary>
internal sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ApiProblem p => (p.Status, p.Title, p.Message),
            ImageDecodeException e => (StatusCodes.Status422UnprocessableEntity, "Unusable image", e.Message),
            StoreException { Error: StoreError.NotFound } e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            StoreException { Error: StoreError.Conflict or StoreError.WrongModel } e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            StoreException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge => (e.StatusCode, "Upload too large", e.Message),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
            InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => (StatusCodes.Status413PayloadTooLarge, "Upload too large", e.Message),
            InvalidDataException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed to handle this request; it is logged."),
        };
        if (status >= 500)
        {
            log.LogError(exception, "Unhandled error on {Path}", http.Request.Path);
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
