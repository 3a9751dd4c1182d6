using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Videos;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ArcFaceKit.Server.Api;

/// <summary>The gallery: subjects and their faces. Reads need the read scope, writes the write scope; writes are audited.</summary>
internal static class SubjectEndpoints
{
    /// <summary>The header that makes an enrolment safe to retry (as Stripe's and the IETF draft's).</summary>
    private const string IdempotencyKey = "Idempotency-Key";

    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("/subjects").RequireScope(ApiScopes.Read);
        var write = v1.MapGroup("/subjects").RequireScope(ApiScopes.Write).DisableAntiforgery();

        // A JSON body: 400 (not JSON, or a name the rule refuses), 413 (over the body size limit), 415 (not JSON).
        // An erasure: 503 when SQLite could not clear its write-ahead log of the erased rows (repeat it).
        read.MapGet("", ListAsync).WithSummary("Every subject with its face count.");
        read.MapGet("/{name}", GetAsync).ProducesProblems(404).WithSummary("One subject.");
        write.MapPost("", CreateAsync).ProducesProblems(400, 409, 413, 415).WithSummary("Creates an empty subject (409 when the name is taken).");
        write.MapPatch("/{name}", RenameAsync).ProducesProblems(400, 404, 409, 413, 415).WithSummary("Renames a subject.");
        write.MapDelete("/{name}", DeleteAsync).ProducesProblems(404, 503).WithSummary("Erases a subject: every embedding and stored face crop goes with it.");
        read.MapGet("/{name}/faces", ListFacesAsync).ProducesProblems(404).WithSummary("The faces enrolled for a subject.");
        read.MapGet("/{name}/faces/{id:long}/image", GetFaceImageAsync).Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblems(404)
            .WithSummary("The aligned face crop (PNG) stored for a face.");

        // 409: the Idempotency-Key was used to enroll another subject.
        write.MapPost("/{name}/faces", EnrollAsync).ProducesProblems(400, 409, 413, 415, 422, 503)
            .WithSummary("Enrolls one face from each uploaded photo (file fields 'image'); creates the subject when new. All or none. With an Idempotency-Key header, a retry within a day adds nothing and answers 200 with the faces the first request added.");
        write.MapDelete("/{name}/faces/{id:long}", DeleteFaceAsync).ProducesProblems(404, 503).WithSummary("Deletes one face (its embedding and crop).");

        v1.MapGet("/audit", ReadAuditAsync).RequireScope(ApiScopes.Write).ProducesProblems(400)
            .WithSummary("The newest writes: key, time, action, subject (write scope).");
    }

    public static async Task<Ok<List<SubjectJson>>> ListAsync(IFaceGallery gallery, CancellationToken cancellationToken) =>
        TypedResults.Ok((await gallery.ListSubjectsAsync(cancellationToken)).Select(SubjectJson.From).ToList());

    public static async Task<Results<Ok<SubjectJson>, ProblemHttpResult>> GetAsync(string name, IFaceGallery gallery, CancellationToken cancellationToken) =>
        await gallery.GetSubjectAsync(name, cancellationToken) is { } subject ? TypedResults.Ok(SubjectJson.From(subject)) : NoSubject(name);

    public static async Task<Created<SubjectJson>> CreateAsync(SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken)
    {
        var subject = await gallery.CreateSubjectAsync(body.Name, Actor(http), cancellationToken);
        return TypedResults.Created($"/v1/subjects/{Uri.EscapeDataString(subject.Name)}", SubjectJson.From(subject));
    }

    public static async Task<Ok<SubjectJson>> RenameAsync(string name, SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(SubjectJson.From(await gallery.RenameSubjectAsync(name, body.Name, Actor(http), cancellationToken)));

    /// <summary>
    /// Erases the subject, then what the server holds of it beside the gallery: the cameras' kept events and running
    /// analyses, and video jobs' results.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, IFaceGallery gallery, CameraManager cameras, VideoJobs jobs, HttpContext http, CancellationToken cancellationToken)
    {
        if (!await gallery.DeleteSubjectAsync(name, Actor(http), cancellationToken))
        {
            return NoSubject(name);
        }

        string erased = SubjectNames.Lookup(name);
        cameras.Forget(erased);
        jobs.Forget(erased);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<StoredFaceJson>>> ListFacesAsync(string name, IFaceGallery gallery, CancellationToken cancellationToken) =>
        TypedResults.Ok((await gallery.ListFacesAsync(name, cancellationToken)).Select(f => StoredFaceJson.From(f)).ToList());

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFaceImageAsync(string name, long id, IFaceGallery gallery, CancellationToken cancellationToken) =>
        await gallery.GetFaceCropAsync(name, id, cancellationToken) is { } png
            ? TypedResults.File(png, "image/png")
            : Refusals.NotFound($"Subject '{name}' has no face {id} with a stored crop.");

    /// <summary>Photos in file fields 'image'; largest=true (form or query) takes the largest face of a photo with several.</summary>
    public static async Task<Results<Created<List<StoredFaceJson>>, Ok<List<StoredFaceJson>>, ProblemHttpResult>> EnrollAsync(
        string name, [FromForm] UploadedPhotos? photos, [FromForm] EnrollOptions? form, [AsParameters] EnrollOptions query, [FromHeader(Name = IdempotencyKey)] string? requestKey,
        HttpContext http, GalleryService faces, IFaceGallery gallery, ServerOptions options, RateLimits limits, CancellationToken cancellationToken)
    {
        name = SubjectNames.Check(name);
        string actor = Actor(http);
        if (requestKey is not null && await gallery.FindAddedFacesAsync(name, actor, requestKey, cancellationToken) is { } before)
        {
            // A retry of an enrolment that went through: nothing is analysed or added again.
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(before.Faces.Select(f => StoredFaceJson.From(f)).ToList());
        }

        var image = UploadedPhotos.Of(photos);
        if (Uploads.Refuses(image, "image", options.MaxPhotosPerRequest, out var refusal))
        {
            return refusal;
        }

        limits.Charge(http, image.Count - 1);   // the request's own token paid for the first photo

        // All photos are checked before anything is stored: one bad photo enrolls none.
        var uploads = new List<Upload>(image.Count);
        foreach (var photo in image)
        {
            uploads.Add(new Upload(await Uploads.ReadAsync(photo, cancellationToken)));
        }

        var policy = EnrollOptions.Asked(form, query).Largest == true ? FaceSelection.Largest : FaceSelection.Single;
        var stored = await faces.EnrollUploadsAsync(gallery, name, uploads, policy, actor, requestKey, cancellationToken);
        return TypedResults.Created($"/v1/subjects/{Uri.EscapeDataString(name)}/faces", stored.Select(s => StoredFaceJson.From(s.Stored, FaceJson.From(s.Face.Face))).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteFaceAsync(string name, long id, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        await gallery.DeleteFaceAsync(name, id, Actor(http), cancellationToken) ? TypedResults.NoContent() : Refusals.NotFound($"Subject '{name}' has no face {id}.");

    /// <summary>The newest writes, at most <paramref name="limit"/> (1 to 1000, default 100).</summary>
    public static async Task<Ok<List<AuditJson>>> ReadAuditAsync(IFaceGallery gallery, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok((await gallery.ReadAuditAsync(Math.Clamp(limit ?? 100, 1, 1000), cancellationToken)).Select(AuditJson.From).ToList());

    private static ProblemHttpResult NoSubject(string name) => Refusals.NotFound($"No subject named '{name}'.");

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
