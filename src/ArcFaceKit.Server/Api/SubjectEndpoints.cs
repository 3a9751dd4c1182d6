using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Api;

/// <summary>The gallery: subjects and their faces. Reads need the read scope, writes the write scope; writes are audited.</summary>
internal static class SubjectEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("/subjects").RequireScope(ApiScopes.Read);
        var write = v1.MapGroup("/subjects").RequireScope(ApiScopes.Write).DisableAntiforgery();

        read.MapGet("", async (IFaceGallery gallery, CancellationToken cancellationToken) => (await gallery.ListSubjectsAsync(cancellationToken)).Select(SubjectJson.From).ToList())
            .WithSummary("Every subject with its face count.");

        read.MapGet("/{name}", async (string name, IFaceGallery gallery, CancellationToken cancellationToken) =>
            SubjectJson.From(await gallery.GetSubjectAsync(name, cancellationToken) ?? throw new GalleryException(GalleryError.NotFound, $"No subject named '{name}'.")))
            .WithSummary("One subject.");

        write.MapPost("", async (SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        {
            var subject = await gallery.CreateSubjectAsync(body.Name, Actor(http), cancellationToken);
            return TypedResults.Created($"/v1/subjects/{Uri.EscapeDataString(subject.Name)}", SubjectJson.From(subject));
        }).WithSummary("Creates an empty subject (409 when the name is taken).");

        write.MapPatch("/{name}", async (string name, SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            SubjectJson.From(await gallery.RenameSubjectAsync(name, body.Name, Actor(http), cancellationToken)))
            .WithSummary("Renames a subject.");

        write.MapDelete("/{name}", async (string name, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            await gallery.DeleteSubjectAsync(name, Actor(http), cancellationToken) ? Results.NoContent() : throw new GalleryException(GalleryError.NotFound, $"No subject named '{name}'."))
            .WithSummary("Erases a subject: every embedding and stored face crop goes with it.");

        read.MapGet("/{name}/faces", async (string name, IFaceGallery gallery, CancellationToken cancellationToken) =>
            (await gallery.ListFacesAsync(name, cancellationToken)).Select(f => StoredFaceJson.From(f)).ToList())
            .WithSummary("The faces enrolled for a subject.");

        read.MapGet("/{name}/faces/{id:long}/image", async (string name, long id, IFaceGallery gallery, CancellationToken cancellationToken) =>
            await gallery.GetFaceCropAsync(name, id, cancellationToken) is { } png ? Results.File(png, "image/png") : throw new GalleryException(GalleryError.NotFound, $"Subject '{name}' has no face {id} with a stored crop."))
            .WithSummary("The aligned face crop (PNG) stored for a face.");

        write.MapPost("/{name}/faces", async (string name, HttpRequest request, GalleryService faces, IFaceGallery gallery, ServerOptions options, RateLimits limits, CancellationToken cancellationToken) =>
        {
            name = SubjectNames.Check(name);
            string actor = Actor(request.HttpContext);
            string? requestKey = request.Headers[IdempotencyKey].FirstOrDefault();
            if (requestKey is not null && await gallery.FindAddedFacesAsync(name, actor, requestKey, cancellationToken) is { } before)
            {
                // A retry of an enrolment that went through: nothing is analysed or added again.
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                return Results.Ok(before.Faces.Select(f => StoredFaceJson.From(f)).ToList());
            }

            var form = await Uploads.FormAsync(request, cancellationToken);
            var policy = Uploads.Flag(form, request, "largest") ? FaceSelection.Largest : FaceSelection.Single;
            var photos = await Uploads.ImagesAsync(form, "image", options.MaxPhotosPerRequest, cancellationToken);
            limits.Charge(request.HttpContext, photos.Count - 1);   // the request's own token paid for the first photo

            // All photos are checked before anything is stored: one bad photo enrolls none.
            var uploads = photos.Select(p => new Upload(p)).ToList();
            var stored = await faces.EnrollUploadsAsync(gallery, name, uploads, policy, actor, requestKey, cancellationToken);
            return Results.Created($"/v1/subjects/{Uri.EscapeDataString(name)}/faces", stored.Select(s => StoredFaceJson.From(s.Stored, FaceJson.From(s.Face.Face))).ToList());
        }).WithSummary("Enrolls one face from each uploaded photo (file fields 'image'); creates the subject when new. All or none. With an Idempotency-Key header, a retry within a day adds nothing and answers 200 with the faces the first request added.");

        write.MapDelete("/{name}/faces/{id:long}", async (string name, long id, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            await gallery.DeleteFaceAsync(name, id, Actor(http), cancellationToken) ? Results.NoContent() : throw new GalleryException(GalleryError.NotFound, $"Subject '{name}' has no face {id}."))
            .WithSummary("Deletes one face (its embedding and crop).");

        v1.MapGet("/audit", async (IFaceGallery gallery, int? limit, CancellationToken cancellationToken) =>
            (await gallery.ReadAuditAsync(Math.Clamp(limit ?? 100, 1, 1000), cancellationToken)).Select(AuditJson.From).ToList())
            .RequireScope(ApiScopes.Write)
            .WithSummary("The newest writes: key, time, action, subject (write scope).");
    }

    /// <summary>The header that makes an enrolment safe to retry (as Stripe's and the IETF draft's).</summary>
    private const string IdempotencyKey = "Idempotency-Key";

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
