using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Api;

/// <summary>Reads uploaded images from multipart/form-data requests; the size limit is enforced by Kestrel and the form reader.</summary>
internal static class Uploads
{
    public static async Task<IFormCollection> FormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the image as multipart/form-data with a file field (e.g. curl -F image=@photo.jpg).");
        }

        try
        {
            return await request.ReadFormAsync(cancellationToken);
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

    public static async Task<byte[]> ImageAsync(IFormCollection form, string field, CancellationToken cancellationToken)
    {
        var file = form.Files.GetFile(field)
            ?? throw new ApiProblem(StatusCodes.Status400BadRequest, "Missing image", $"The form has no file field '{field}'.");
        if (file.Length == 0)
        {
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Unusable image", $"The file in '{field}' is empty.");
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Every file field of the form named <paramref name="field"/> (bulk enrolment of several photos), at most <paramref name="max"/>.</summary>
    public static async Task<List<byte[]>> ImagesAsync(IFormCollection form, string field, int max, CancellationToken cancellationToken)
    {
        var files = form.Files.GetFiles(field);
        if (files.Count == 0)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Missing image", $"The form has no file field '{field}'.");
        }

        if (files.Count > max)
        {
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Too many photos",
                $"{files.Count} photos in one request; at most {max} are accepted (--max-photos): send them in several requests.");
        }

        var list = new List<byte[]>(files.Count);
        foreach (var file in files)
        {
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            list.Add(buffer.ToArray());
        }

        return list;
    }

    /// <summary>Decodes an upload under the server's pixel budget, held until the request ends (large JPEGs at reduced scale).</summary>
    public static async Task<DecodedImage> DecodeAsync(HttpContext http, UploadDecoder uploads, byte[] encoded, CancellationToken cancellationToken)
    {
        var decoded = await uploads.DecodeAsync(encoded, cancellationToken);
        http.Response.RegisterForDispose(decoded);
        return decoded;
    }

    public static bool Flag(IFormCollection form, HttpRequest request, string name) =>
        string.Equals(form[name].FirstOrDefault() ?? request.Query[name].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
}
