using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// Reads the multipart form of every endpoint that binds one, before the framework binds its fields and files from it
/// (it then finds the form read). The framework's own reading answers a body that is not a form 415, and a malformed
/// one or one over the size limit 400, all without a reason; here each gets the problem that says what to send.
/// </summary>
internal sealed class UploadForms(RequestDelegate next)
{
    private const string Multipart = "multipart/form-data";

    private const string Advice = "Send the image as multipart/form-data with a file field (e.g. curl -F image=@photo.jpg).";

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains(Multipart, StringComparer.OrdinalIgnoreCase)) == true)
        {
            await ReadAsync(http.Request, http.RequestAborted);
        }

        await next(http);
    }

    private static async Task ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", Advice);
        }

        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            // The framework would refuse it naming its own parameter types.
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Missing image", $"The request has no body. {Advice}");
        }

        try
        {
            await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e) when (!e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Malformed upload", $"The multipart/form-data body is malformed ({e.Message}).");
        }
        catch (IOException e) when (e is not BadHttpRequestException)
        {
            // A body that ends before its closing boundary: the client's mistake, not the server's.
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Malformed upload", $"The multipart/form-data body ended early or is malformed ({e.Message}).");
        }
    }
}
