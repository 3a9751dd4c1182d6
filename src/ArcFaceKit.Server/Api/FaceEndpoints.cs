using System.Diagnostics.CodeAnalysis;
using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>The read-only face operations: detect, embed, verify 1:1, recognize 1:N. Each maps HTTP onto one service call.</summary>
internal static class FaceEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("").RequireScope(ApiScopes.Read).DisableAntiforgery();

        // Every photo: 400 (no image, malformed form, bad option), 413 (too large), 415 (not a form), 422 (not a usable
        // image, or no single face), 503 (the decoding budget or the analysis queue is full).
        read.MapPost("/detect", DetectAsync).ProducesProblems(400, 413, 415, 422, 503)
            .WithSummary("Faces in an image: box, five landmarks, score.");
        read.MapPost("/embed", EmbedAsync).ProducesProblems(400, 413, 415, 422, 503)
            .WithSummary("The L2-normalised embedding of every face in an image.");
        read.MapPost("/verify", VerifyAsync).ProducesProblems(400, 404, 413, 415, 422, 503)
            .WithSummary("1:1 — two images (image1, image2), or one image and a subject: same person or not, with the similarity and threshold.");
        read.MapPost("/recognize", RecognizeAsync).ProducesProblems(400, 413, 415, 422, 503)
            .WithSummary("1:N — for every face in the image, the k best subjects under the scoring rule; accepted when at or above the threshold.");
    }

    public static async Task<Results<Ok<DetectResponse>, ProblemHttpResult>> DetectAsync(
        IFormFile? image, HttpContext http, FacePipeline faces, UploadDecoder uploads, CancellationToken cancellationToken)
    {
        if (Uploads.Refuses(image, "image", out var refusal))
        {
            return refusal;
        }

        var photo = await Uploads.DecodeAsync(http, uploads, image, cancellationToken);
        var found = await faces.DetectAsync(photo.Image, cancellationToken: cancellationToken);
        return TypedResults.Ok(new DetectResponse(photo.SourceWidth, photo.SourceHeight, [.. found.Select(f => FaceJson.From(f, photo.Scale))]));
    }

    public static async Task<Results<Ok<EmbedResponse>, ProblemHttpResult>> EmbedAsync(
        IFormFile? image, HttpContext http, FacePipeline faces, UploadDecoder uploads, CancellationToken cancellationToken)
    {
        if (Uploads.Refuses(image, "image", out var refusal))
        {
            return refusal;
        }

        var photo = await Uploads.DecodeAsync(http, uploads, image, cancellationToken);
        var identity = faces.Embedder.Identity;
        var found = await faces.AnalyzeAsync(photo.Image, cancellationToken: cancellationToken);
        return TypedResults.Ok(new EmbedResponse(identity.Key, identity.Dimension, [.. found.Select(r => new EmbeddedFaceJson(FaceJson.From(r.Face, photo.Scale), r.Embedding))]));
    }

    /// <summary>Two photos (image1, image2), or one (image1 or image) and an enrolled subject.</summary>
    public static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult>> VerifyAsync(
        IFormFile? image1, IFormFile? image, IFormFile? image2, [FromForm] string? subject, [FromForm] VerifyOptions? form, [AsParameters] VerifyOptions query,
        HttpContext http, FacePipeline faces, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, CancellationToken cancellationToken)
    {
        var asked = VerifyOptions.Asked(form, query);
        var policy = asked.Largest == true ? FaceSelection.Largest : FaceSelection.Single;
        var firstImage = image1 ?? image;
        if (!TryThreshold(asked.Threshold, faces, out var threshold, out var refusal) || Uploads.Refuses(firstImage, image1 is null ? "image" : "image1", out refusal))
        {
            return refusal;
        }

        var first = await Uploads.DecodeAsync(http, uploads, firstImage, cancellationToken);
        if (subject is not null)
        {
            if (!TryScoring(asked.Scoring, options, out var scoring, out refusal))
            {
                return refusal;
            }

            var face = await faces.SingleFaceAsync(first.Image, policy, "the first image", cancellationToken);
            if (await gallery.ScoreSubjectAsync(subject, face.Embedding, scoring, cancellationToken) is not { } match)
            {
                return Refusals.Problem(StatusCodes.Status422UnprocessableEntity, "No faces", $"Subject '{subject}' has no enrolled faces.");
            }

            return TypedResults.Ok(new VerifyResponse(match.Similarity, match.Similarity >= threshold.Cosine, ThresholdJson.From(threshold), FaceJson.From(face.Face, first.Scale), null, subject, match.FaceId, scoring.Name(), faces.Embedder.Identity.ToString()));
        }

        if (Uploads.Refuses(image2, "image2", out refusal))
        {
            return refusal;
        }

        var second = await Uploads.DecodeAsync(http, uploads, image2, cancellationToken);
        var (decision, a, b) = await faces.VerifyAsync(first.Image, second.Image, policy, threshold, cancellationToken);
        return TypedResults.Ok(new VerifyResponse(decision.Similarity, decision.IsSamePerson, ThresholdJson.From(threshold), FaceJson.From(a.Face, first.Scale), FaceJson.From(b.Face, second.Scale), null, null, null, faces.Embedder.Identity.ToString()));
    }

    public static async Task<Results<Ok<RecognizeResponse>, ProblemHttpResult>> RecognizeAsync(
        IFormFile? image, [FromForm] RecognizeOptions? form, [AsParameters] RecognizeOptions query,
        HttpContext http, GalleryService galleries, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, CancellationToken cancellationToken)
    {
        var asked = RecognizeOptions.Asked(form, query);
        if (Uploads.Refuses(image, "image", out var refusal) || !TryThreshold(asked.Threshold, galleries.Pipeline, out var threshold, out refusal))
        {
            return refusal;
        }

        if (asked.K is < 1 || asked.K > options.MaxTopK)
        {
            return Refusals.BadRequest($"k must be a whole number from 1 to {options.MaxTopK}.");
        }

        if (!TryScoring(asked.Scoring, options, out var scoring, out refusal) || !TryCollector(asked.Collect == true, http, options, out string? collector, out refusal))
        {
            return refusal;
        }

        var photo = await Uploads.DecodeAsync(http, uploads, image, cancellationToken);
        var found = await galleries.IdentifyAsync(gallery, photo.Image, new IdentifyOptions { K = asked.K ?? 1, Threshold = threshold, Scoring = scoring, CollectUnknownAs = collector }, cancellationToken);
        return TypedResults.Ok(new RecognizeResponse(photo.SourceWidth, photo.SourceHeight, ThresholdJson.From(threshold), scoring.Name(), [.. found.Select(f => RecognizedFaceJson.From(f, photo.Scale))]));
    }

    /// <summary>
    /// Who keeps the unknown faces of a recognize request (the caller), or null: the store keeps them all
    /// (--collect-unknown), or the request asks (collect=true), which takes a key that may write.
    /// </summary>
    private static bool TryCollector(bool asked, HttpContext http, ServerOptions options, out string? collector, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        var caller = ApiKeyMiddleware.Caller(http);
        collector = options.CollectUnknown || (asked && ApiKeys.ScopesOf(caller).HasFlag(ApiScopes.Write)) ? caller.Id : null;
        refusal = asked && collector is null
            ? Refusals.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"The key '{caller.Name}' lacks the write scope that collect=true needs (it keeps unknown faces in the gallery).")
            : null;
        return refusal is null;
    }

    /// <summary>The request's threshold (a cosine similarity) or the model's FAR 1e-3 default.</summary>
    private static bool TryThreshold(float? cosine, FacePipeline faces, out SimilarityThreshold threshold, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        threshold = cosine is { } given ? new SimilarityThreshold(given, "given by the request") : faces.DefaultThreshold;
        refusal = cosine is < -1 or > 1 ? Refusals.BadRequest("threshold must be a cosine similarity from -1 to 1.") : null;
        return refusal is null;
    }

    /// <summary>The request's 1:N scoring (best-face, mean-template, both) or the server's.</summary>
    private static bool TryScoring(string? name, ServerOptions options, out SubjectScoring scoring, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        try
        {
            scoring = SubjectScorings.Parse(name ?? options.Scoring);
            refusal = null;
            return true;
        }
        catch (ArgumentException e)
        {
            scoring = SubjectScorings.Default;
            refusal = Refusals.BadRequest(e.Message);
            return false;
        }
    }
}
