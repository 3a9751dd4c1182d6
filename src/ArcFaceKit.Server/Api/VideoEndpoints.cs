using ArcFaceKit.Contracts;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Videos;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// Video files as jobs (the cameras scope): upload a video or give its URL, poll its progress, read its events, tracks and people,
/// cancel it. A key sees only the jobs it submitted.
/// </summary>
internal static class VideoEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var videos = v1.MapGroup("/videos").RequireScope(ApiScopes.Cameras).DisableAntiforgery();
        videos.MapPost("", SubmitAsync).Accepts<Stream>("video/mp4", "video/webm", "video/x-matroska", "video/quicktime", "video/x-msvideo", "image/gif", "application/octet-stream")
            .ProducesProblems(400, 413, 415, 422)
            .WithSummary("Uploads a video (the file as the body; ?fps=N analyses N frames a second, else every frame) and analyses it in the background against the gallery.");
        videos.MapPost("/from-url", SubmitUrlAsync).ProducesProblems(400, 413, 415, 422)
            .WithSummary("Fetches a video from a URL on a host the operator allows (ArcFace:Videos:AllowedHosts, serve --video-hosts; none by default) and analyses it as an upload.");
        videos.MapGet("", List).WithSummary("The caller's video jobs.");
        videos.MapGet("/{id}", Get).ProducesProblems(404).WithSummary("A video job: its state, progress and summary so far (subjects and visitors).");
        videos.MapGet("/{id}/events", Events).ProducesProblems(400, 404)
            .WithSummary("A video job's events so far, in order (?kind=identified, arrived, ...), times in seconds of the video.");
        videos.MapGet("/{id}/tracks", Tracks).ProducesProblems(404).WithSummary("A video job's tracks that have ended: each one's subject or visitor, similarity and times.");
        videos.MapGet("/{id}/tracks/{track}/face", Face).Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblems(404)
            .WithSummary("The best face (aligned crop, PNG) of a video job's ended track.");
        videos.MapDelete("/{id}", DeleteAsync).ProducesProblems(404).WithSummary("Cancels a video job (its ffmpeg stopped) and forgets it with its results.");
    }

    public static async Task<Accepted<VideoJobJson>> SubmitAsync(HttpContext http, VideoJobs jobs, ServerOptions options, TimeProvider clock, double? fps, CancellationToken cancellationToken)
    {
        // A form or JSON is refused by routing (415, ProblemMapping says what to send). The server's request limit is the photos'; a video has its own.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Videos.MaxUploadBytes + 1;
        }

        var job = await jobs.SubmitAsync(http.Request.Body, http.Request.ContentLength, Owner(http), fps, cancellationToken);
        return TypedResults.Accepted($"/v1/videos/{job.Id}", job.Json(clock.GetUtcNow()));
    }

    public static async Task<Accepted<VideoJobJson>> SubmitUrlAsync(VideoUrlRequest body, HttpContext http, VideoJobs jobs, TimeProvider clock, CancellationToken cancellationToken)
    {
        var job = await jobs.SubmitUrlAsync(body.Url, Owner(http), body.Fps, cancellationToken);
        return TypedResults.Accepted($"/v1/videos/{job.Id}", job.Json(clock.GetUtcNow()));
    }

    public static Ok<IReadOnlyList<VideoJobJson>> List(HttpContext http, VideoJobs jobs, TimeProvider clock) =>
        TypedResults.Ok<IReadOnlyList<VideoJobJson>>([.. jobs.List(Owner(http)).Select(j => j.Json(clock.GetUtcNow()))]);

    public static Results<Ok<VideoJobJson>, ProblemHttpResult> Get(string id, HttpContext http, VideoJobs jobs, TimeProvider clock) =>
        jobs.Find(id, Owner(http)) is { } job ? TypedResults.Ok(job.Json(clock.GetUtcNow())) : NoJob(id);

    public static Results<Ok<IReadOnlyList<VideoEventJson>>, ProblemHttpResult> Events(string id, string? kind, HttpContext http, VideoJobs jobs) =>
        kind is not null && !VideoEventJson.EventNames.Contains(kind) ? Refusals.BadRequest($"kind must be one of {string.Join(", ", VideoEventJson.EventNames)}.")
        : jobs.Find(id, Owner(http)) is { } job ? TypedResults.Ok(job.Events(kind))
        : NoJob(id);

    public static Results<Ok<IReadOnlyList<VideoEventJson>>, ProblemHttpResult> Tracks(string id, HttpContext http, VideoJobs jobs) =>
        jobs.Find(id, Owner(http)) is { } job ? TypedResults.Ok(job.Events("track-ended")) : NoJob(id);

    public static Results<FileContentHttpResult, ProblemHttpResult> Face(string id, int track, HttpContext http, VideoJobs jobs) =>
        jobs.Find(id, Owner(http)) is not { } job ? NoJob(id)
        : job.Face(track) is { } png ? TypedResults.File(png, "image/png")
        : Refusals.NotFound($"Video job '{id}' has no best face of track {track} (the track has not ended, or its subject was erased).");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, VideoJobs jobs) =>
        await jobs.RemoveAsync(id, Owner(http)) ? TypedResults.NoContent() : NoJob(id);

    private static ProblemHttpResult NoJob(string id) => Refusals.NotFound($"No video job '{id}' of this key (finished jobs are kept for a limited time, ArcFace:Videos:Retention).");

    private static string Owner(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
