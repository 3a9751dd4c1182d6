using System.Diagnostics.CodeAnalysis;
using ArcFaceKit.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>The uploaded images the framework bound from a request's form (<see cref="UploadForms"/> read it): checked, read, decoded.</summary>
internal static class Uploads
{
    /// <summary>Whether a request is refused for its image in <paramref name="field"/>: none sent (400), or an empty file (422).</summary>
    public static bool Refuses([NotNullWhen(false)] IFormFile? file, string field, [NotNullWhen(true)] out ProblemHttpResult? refusal)
    {
        refusal = file is null ? Missing(field)
            : file.Length == 0 ? Refusals.Problem(StatusCodes.Status422UnprocessableEntity, "Unusable image", $"The file in '{field}' is empty.")
            : null;
        return refusal is not null;
    }

    /// <summary>Whether a request is refused for its photos in <paramref name="field"/> (bulk): none sent (400), or more than <paramref name="max"/> (413).</summary>
    public static bool Refuses(IReadOnlyList<IFormFile> files, string field, int max, [NotNullWhen(true)] out ProblemHttpResult? refusal)
    {
        refusal = files.Count == 0 ? Missing(field)
            : files.Count > max ? Refusals.Problem(StatusCodes.Status413PayloadTooLarge, "Too many photos", $"{files.Count} photos in one request; at most {max} are accepted (--max-photos): send them in several requests.")
            : null;
        return refusal is not null;
    }

    public static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Decodes an upload under the server's pixel budget, held until the request ends (large JPEGs at reduced scale).</summary>
    public static async Task<DecodedImage> DecodeAsync(HttpContext http, UploadDecoder uploads, IFormFile file, CancellationToken cancellationToken)
    {
        var decoded = await uploads.DecodeAsync(await ReadAsync(file, cancellationToken), cancellationToken);
        http.Response.RegisterForDispose(decoded);
        return decoded;
    }

    private static ProblemHttpResult Missing(string field) => Refusals.Problem(StatusCodes.Status400BadRequest, "Missing image", $"The form has no file field '{field}'.");
}
