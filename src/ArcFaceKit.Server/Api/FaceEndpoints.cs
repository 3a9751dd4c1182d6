using ArcFaceKit.Matching;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Api;

/// <summary>The read-only face operations: detect, embed, verify 1:1, recognize 1:N.</summary>
internal static class FaceEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("").RequireScope(ApiScopes.Read).DisableAntiforgery();

        read.MapPost("/detect", async (HttpRequest request, FaceAnalyzer faces, CancellationToken cancel) =>
        {
            var form = await Uploads.FormAsync(request, cancel);
            var image = faces.Decode(await Uploads.ImageAsync(form, "image", cancel));
            var found = faces.Pipeline.Detector.Detect(image);
            return new DetectResponse(image.Width, image.Height, [.. found.Select(FaceJson.From)]);
        }).WithSummary("Faces in an image: box, five landmarks, score.");

        read.MapPost("/embed", async (HttpRequest request, FaceAnalyzer faces, CancellationToken cancel) =>
        {
            var form = await Uploads.FormAsync(request, cancel);
            var image = faces.Decode(await Uploads.ImageAsync(form, "image", cancel));
            var identity = faces.Pipeline.Embedder.Identity;
            return new EmbedResponse(identity.Key, identity.Dimension, [.. faces.Analyze(image).Select(r => new EmbeddedFaceJson(FaceJson.From(r.Face), r.Embedding))]);
        }).WithSummary("The L2-normalised embedding of every face in an image.");

        read.MapPost("/verify", async (HttpRequest request, FaceAnalyzer faces, IFaceStore store, CancellationToken cancel) =>
        {
            var form = await Uploads.FormAsync(request, cancel);
            bool largest = Uploads.Flag(form, request, "largest");
            var threshold = Threshold(form, request, faces);
            var first = faces.SingleFace(faces.Decode(await Uploads.ImageAsync(form, form.Files.GetFile("image1") is null ? "image" : "image1", cancel)), largest, "the first image");
            string? subject = form["subject"].FirstOrDefault();
            if (subject is not null)
            {
                var best = store.BestFaceOf(subject, first.Embedding)
                    ?? throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "No faces", $"Subject '{subject}' has no enrolled faces.");
                return new VerifyResponse(best.Similarity, best.Similarity >= threshold.Cosine, ThresholdJson.From(threshold), FaceJson.From(first.Face), null, subject, best.FaceId);
            }

            var second = faces.SingleFace(faces.Decode(await Uploads.ImageAsync(form, "image2", cancel)), largest, "the second image");
            var decision = Verification.Of(first.Embedding, second.Embedding, threshold);
            return new VerifyResponse(decision.Similarity, decision.IsSamePerson, ThresholdJson.From(threshold), FaceJson.From(first.Face), FaceJson.From(second.Face), null, null);
        }).WithSummary("1:1 — two images (image1, image2), or one image and a subject: same person or not, with the similarity and threshold.");

        read.MapPost("/recognize", async (HttpRequest request, FaceAnalyzer faces, IFaceStore store, ServerOptions options, CancellationToken cancel) =>
        {
            var form = await Uploads.FormAsync(request, cancel);
            var image = faces.Decode(await Uploads.ImageAsync(form, "image", cancel));
            var threshold = Threshold(form, request, faces);
            int k = int.TryParse(form["k"].FirstOrDefault() ?? request.Query["k"].FirstOrDefault() ?? "1", out int parsed) && parsed >= 1 && parsed <= options.MaxTopK
                ? parsed
                : throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", $"k must be a whole number from 1 to {options.MaxTopK}.");
            var result = faces.Analyze(image).Select(r => new RecognizedFaceJson(FaceJson.From(r.Face),
                [.. store.Search(r.Embedding, k).Select(h => new MatchJson(h.Subject, h.Similarity, h.Similarity >= threshold.Cosine, h.FaceId))]));
            return new RecognizeResponse(image.Width, image.Height, ThresholdJson.From(threshold), [.. result]);
        }).WithSummary("1:N — for every face in the image, the k most similar subjects; accepted when at or above the threshold.");
    }

    /// <summary>The request's threshold (cosine, form or query 'threshold') or the model's FAR 1e-3 default.</summary>
    private static SimilarityThreshold Threshold(IFormCollection form, HttpRequest request, FaceAnalyzer faces)
    {
        string? text = form["threshold"].FirstOrDefault() ?? request.Query["threshold"].FirstOrDefault();
        if (text is null)
        {
            return faces.Threshold;
        }

        return float.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out float cosine) && cosine >= -1 && cosine <= 1
            ? new SimilarityThreshold(cosine, "given by the request")
            : throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "threshold must be a cosine similarity from -1 to 1.");
    }
}
