using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Microsoft.AspNetCore.Diagnostics;

namespace ArcFaceKit.Server.Api;

/// <summary>Turns every failure into RFC 7807 problem details with a clear message; internals never leak.</summary>
internal sealed class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: its work was stopped and nothing of it committed; there is nobody to answer.
            log.LogDebug("Request cancelled by the client on {Endpoint}", Endpoint(http));
            http.Response.StatusCode = 499;
            return true;
        }

        var (status, title, detail) = exception switch
        {
            ApiProblem p => (p.Status, p.Title, p.Message),
            ImageDecodeException e => (StatusCodes.Status422UnprocessableEntity, "Unusable image", e.Message),
            FaceSelectionException e => (StatusCodes.Status422UnprocessableEntity, e.FacesFound == 0 ? "No face" : "Several faces", e.FacesFound > 1 ? $"{e.Message} Use a photo with one face, or ask for the largest (largest=true)." : e.Message),
            PoorFaceException e => (StatusCodes.Status422UnprocessableEntity, "Poor face", e.Message),
            ServiceBusyException e => (StatusCodes.Status503ServiceUnavailable, "Busy", e.Message),
            TimeoutException e => (StatusCodes.Status503ServiceUnavailable, "Busy", e.Message),
            GalleryException { Error: GalleryError.NotFound } e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            GalleryException { Error: GalleryError.Conflict or GalleryError.WrongModel } e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            GalleryException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge => (e.StatusCode, "Upload too large", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } e => (e.StatusCode, "Unsupported media type", e.Message),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
            InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => (StatusCodes.Status413PayloadTooLarge, "Upload too large", e.Message),
            InvalidDataException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed to handle this request; it is logged."),
        };
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
        {
            log.LogError(exception, "Unhandled error on {Endpoint}", Endpoint(http));
        }

        if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests)
        {
            http.Response.Headers.RetryAfter = "1";
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// Gives a reason to the problems the framework writes without one: routing refuses (415) a body whose media type no
    /// route at that path takes, before any of our code runs.
    /// </summary>
    public static void Explain(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null })
        {
            context.ProblemDetails.Detail = $"This route does not take a '{context.HttpContext.Request.ContentType}' body (see /openapi/v1.json): send photos as multipart/form-data with a file field (e.g. curl -F image=@photo.jpg), a video as the file itself (curl --data-binary @clip.mp4 -H 'Content-Type: video/mp4'), other bodies as application/json.";
        }
    }

    /// <summary>The route pattern, not the path: paths carry subject names.</summary>
    private static string Endpoint(HttpContext http) => http.GetEndpoint()?.DisplayName ?? http.Request.Method;
}
