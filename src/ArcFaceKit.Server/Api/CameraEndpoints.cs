using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// Cameras as resources (the cameras scope): add, list with live status, read, replace and remove; and the best-face
/// snapshots of their events. Sources are answered masked, never with their credentials.
/// </summary>
internal static class CameraEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var cameras = v1.MapGroup("/cameras").RequireScope(ApiScopes.Cameras).DisableAntiforgery();
        cameras.MapPost("", AddAsync).ProducesProblems(400, 409, 413, 415)
            .WithSummary("Adds a camera (name, url or device, fps, minFaceSize, region, scoring, collectUnknown) and starts watching it.");
        cameras.MapGet("", ListAsync).WithSummary("The cameras with their live status.");
        cameras.MapGet("/{name}", GetAsync).ProducesProblems(404).WithSummary("One camera with its live status.");
        cameras.MapPut("/{name}", UpdateAsync).ProducesProblems(400, 404, 413, 415, 503)
            .WithSummary("Replaces a camera's source and settings (a url sent back masked, as answered, keeps the stored one) and restarts it.");
        cameras.MapDelete("/{name}", DeleteAsync).ProducesProblems(404, 503).WithSummary("Stops a camera (and its ffmpeg) and removes it with its snapshots.");
        cameras.MapGet("/{name}/snapshots/{id}", SnapshotAsync).Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblems(404)
            .WithSummary("The best-face crop (PNG) of an event, while it is kept (ArcFace:Cameras:SnapshotRetention).");
        cameras.MapGet("/{name}/frame", Frame).Produces<Stream>(StatusCodes.Status200OK, "image/jpeg").ProducesProblems(404)
            .WithSummary("The camera's last analysed frame (JPEG), held in memory while it runs.");
    }

    public static async Task<Created<CameraJson>> AddAsync(CameraRequest body, CameraManager cameras, HttpContext http, CancellationToken cancellationToken)
    {
        var added = await cameras.AddAsync(body, Actor(http), cancellationToken);
        return TypedResults.Created($"/v1/cameras/{added.Name}", added);
    }

    public static async Task<Ok<IReadOnlyList<CameraJson>>> ListAsync(CameraManager cameras, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cameras.ListAsync(cancellationToken));

    public static async Task<Results<Ok<CameraJson>, ProblemHttpResult>> GetAsync(string name, CameraManager cameras, CancellationToken cancellationToken) =>
        await cameras.GetAsync(name, cancellationToken) is { } camera ? TypedResults.Ok(camera) : NoCamera(name);

    public static async Task<Results<Ok<CameraJson>, ProblemHttpResult>> UpdateAsync(string name, CameraRequest body, CameraManager cameras, HttpContext http, CancellationToken cancellationToken) =>
        await cameras.UpdateAsync(name, body, Actor(http), cancellationToken) is { } camera ? TypedResults.Ok(camera) : NoCamera(name);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, CameraManager cameras, HttpContext http, CancellationToken cancellationToken) =>
        await cameras.DeleteAsync(name, Actor(http), cancellationToken) ? TypedResults.NoContent() : NoCamera(name);

    public static Results<FileContentHttpResult, ProblemHttpResult> Frame(string name, CameraManager cameras) =>
        cameras.RecentFrame(name) is { } jpeg ? TypedResults.File(jpeg, "image/jpeg") : Refusals.NotFound($"Camera '{name}' has analysed no frame yet (or is not running).");

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SnapshotAsync(string name, string id, CameraManager cameras, CancellationToken cancellationToken) =>
        await cameras.SnapshotAsync(name, id, cancellationToken) is { } png ? TypedResults.File(png, "image/png") : Refusals.NotFound($"Camera '{name}' has no snapshot '{id}' (snapshots are kept for a limited time).");

    private static ProblemHttpResult NoCamera(string name) => Refusals.NotFound($"No camera '{name}'.");

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
