using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Api;

/// <summary>The read-only face operations: detect, embed, verify 1:1, recognize 1:N. Each maps HTTP onto one service call.</summary>
internal static class FaceEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("").RequireScope(ApiScopes.Read).DisableAntiforgery();

        read.MapPost("/detect", async (HttpRequest request, FacePipeline faces, UploadDecoder uploads, CancellationToken cancellationToken) =>
        {
            var form = await Uploads.FormAsync(request, cancellationToken);
            var photo = await Uploads.DecodeAsync(request.HttpContext, uploads, await Uploads.ImageAsync(form, "image", cancellationToken), cancellationToken);
            var found = await faces.DetectAsync(photo.Image, cancellationToken: cancellationToken);
            return new DetectResponse(photo.SourceWidth, photo.SourceHeight, [.. found.Select(f => FaceJson.From(f, photo.Scale))]);
        }).WithSummary("Faces in an image: box, five landmarks, score.");

        read.MapPost("/embed", async (HttpRequest request, FacePipeline faces, UploadDecoder uploads, CancellationToken cancellationToken) =>
        {
            var form = await Uploads.FormAsync(request, cancellationToken);
            var photo = await Uploads.DecodeAsync(request.HttpContext, uploads, await Uploads.ImageAsync(form, "image", cancellationToken), cancellationToken);
            var identity = faces.Embedder.Identity;
            var found = await faces.AnalyzeAsync(photo.Image, cancellationToken: cancellationToken);
            return new EmbedResponse(identity.Key, identity.Dimension, [.. found.Select(r => new EmbeddedFaceJson(FaceJson.From(r.Face, photo.Scale), r.Embedding))]);
        }).WithSummary("The L2-normalised embedding of every face in an image.");

        read.MapPost("/verify", async (HttpRequest request, FacePipeline faces, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, CancellationToken cancellationToken) =>
        {
            var form = await Uploads.FormAsync(request, cancellationToken);
            var policy = Uploads.Flag(form, request, "largest") ? FaceSelection.Largest : FaceSelection.Single;
            var threshold = Threshold(form, request, faces);
            var first = await Uploads.DecodeAsync(request.HttpContext, uploads, await Uploads.ImageAsync(form, form.Files.GetFile("image1") is null ? "image" : "image1", cancellationToken), cancellationToken);
            if (form["subject"].FirstOrDefault() is { } subject)
            {
                var scoring = Scoring(form, request, options);
                var face = await faces.SingleFaceAsync(first.Image, policy, "the first image", cancellationToken);
                var match = await gallery.ScoreSubjectAsync(subject, face.Embedding, scoring, cancellationToken)
                    ?? throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "No faces", $"Subject '{subject}' has no enrolled faces.");
                return new VerifyResponse(match.Similarity, match.Similarity >= threshold.Cosine, ThresholdJson.From(threshold), FaceJson.From(face.Face, first.Scale), null, subject, match.FaceId, scoring.Name(), faces.Embedder.Identity.ToString());
            }

            var second = await Uploads.DecodeAsync(request.HttpContext, uploads, await Uploads.ImageAsync(form, "image2", cancellationToken), cancellationToken);
            var (decision, a, b) = await faces.VerifyAsync(first.Image, second.Image, policy, threshold, cancellationToken);
            return new VerifyResponse(decision.Similarity, decision.IsSamePerson, ThresholdJson.From(threshold), FaceJson.From(a.Face, first.Scale), FaceJson.From(b.Face, second.Scale), null, null, null, faces.Embedder.Identity.ToString());
        }).WithSummary("1:1 — two images (image1, image2), or one image and a subject: same person or not, with the similarity and threshold.");

        read.MapPost("/recognize", async (HttpRequest request, GalleryService galleries, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, CancellationToken cancellationToken) =>
        {
            var form = await Uploads.FormAsync(request, cancellationToken);
            var photo = await Uploads.DecodeAsync(request.HttpContext, uploads, await Uploads.ImageAsync(form, "image", cancellationToken), cancellationToken);
            var threshold = Threshold(form, request, galleries.Pipeline);
            int k = int.TryParse(form["k"].FirstOrDefault() ?? request.Query["k"].FirstOrDefault() ?? "1", out int parsed) && parsed >= 1 && parsed <= options.MaxTopK
                ? parsed
                : throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", $"k must be a whole number from 1 to {options.MaxTopK}.");
            var scoring = Scoring(form, request, options);
            var found = await galleries.IdentifyAsync(gallery, photo.Image, new IdentifyOptions { K = k, Threshold = threshold, Scoring = scoring, CollectUnknownAs = Collector(form, request, options) }, cancellationToken);
            return new RecognizeResponse(photo.SourceWidth, photo.SourceHeight, ThresholdJson.From(threshold), scoring.Name(), [.. found.Select(f => RecognizedFaceJson.From(f, photo.Scale))]);
        }).WithSummary("1:N — for every face in the image, the k best subjects under the scoring rule; accepted when at or above the threshold.");
    }

    /// <summary>
    /// Who keeps the unknown faces of a recognize request (the caller), or null: the store keeps them all
    /// (--collect-unknown), or the request asks (collect=true), which takes a key that may write.
    /// </summary>
    private static string? Collector(IFormCollection form, HttpRequest request, ServerOptions options)
    {
        var caller = ApiKeyMiddleware.Caller(request.HttpContext);
        if (!options.CollectUnknown && !Uploads.Flag(form, request, "collect"))
        {
            return null;
        }

        return options.CollectUnknown || ApiKeys.ScopesOf(caller).HasFlag(ApiScopes.Write)
            ? caller.Id
            : throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden", $"The key '{caller.Name}' lacks the write scope that collect=true needs (it keeps unknown faces in the gallery).");
    }

    /// <summary>The request's threshold (cosine, form or query 'threshold') or the model's FAR 1e-3 default.</summary>
    private static SimilarityThreshold Threshold(IFormCollection form, HttpRequest request, FacePipeline faces)
    {
        string? text = form["threshold"].FirstOrDefault() ?? request.Query["threshold"].FirstOrDefault();
        if (text is null)
        {
            return faces.DefaultThreshold;
        }

        return float.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out float cosine) && cosine >= -1 && cosine <= 1
            ? new SimilarityThreshold(cosine, "given by the request")
            : throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "threshold must be a cosine similarity from -1 to 1.");
    }

    /// <summary>The request's 1:N scoring ('scoring': best-face, mean-template, both) or the server's.</summary>
    private static SubjectScoring Scoring(IFormCollection form, HttpRequest request, ServerOptions options)
    {
        string text = form["scoring"].FirstOrDefault() ?? request.Query["scoring"].FirstOrDefault() ?? options.Scoring;
        try
        {
            return SubjectScorings.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", e.Message);
        }
    }
}
