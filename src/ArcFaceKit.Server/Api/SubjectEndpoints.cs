using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Api;

/// <summary>The gallery: subjects and their faces. Reads need the read scope, writes the write scope; writes are audited.</summary>
internal static class SubjectEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("/subjects").RequireScope(ApiScopes.Read);
        var write = v1.MapGroup("/subjects").RequireScope(ApiScopes.Write).DisableAntiforgery();

        read.MapGet("", (IFaceStore store) => store.ListSubjects().Select(SubjectJson.From).ToList())
            .WithSummary("Every subject with its face count.");

        read.MapGet("/{name}", (string name, IFaceStore store) =>
            SubjectJson.From(store.GetSubject(name) ?? throw new StoreException(StoreError.NotFound, $"No subject named '{name}'.")))
            .WithSummary("One subject.");

        write.MapPost("", (SubjectRequest body, IFaceStore store, HttpContext http) =>
        {
            var subject = store.CreateSubject(body.Name, Actor(http));
            return TypedResults.Created($"/v1/subjects/{Uri.EscapeDataString(subject.Name)}", SubjectJson.From(subject));
        }).WithSummary("Creates an empty subject (409 when the name is taken).");

        write.MapPatch("/{name}", (string name, SubjectRequest body, IFaceStore store, HttpContext http) =>
            SubjectJson.From(store.RenameSubject(name, body.Name, Actor(http))))
            .WithSummary("Renames a subject.");

        write.MapDelete("/{name}", (string name, IFaceStore store, HttpContext http) =>
            store.DeleteSubject(name, Actor(http)) ? Results.NoContent() : throw new StoreException(StoreError.NotFound, $"No subject named '{name}'."))
            .WithSummary("Erases a subject: every embedding and stored face crop goes with it.");

        read.MapGet("/{name}/faces", (string name, IFaceStore store) => store.ListFaces(name).Select(f => StoredFaceJson.From(f)).ToList())
            .WithSummary("The faces enrolled for a subject.");

        read.MapGet("/{name}/faces/{id:long}/image", (string name, long id, IFaceStore store) =>
            store.FaceImage(name, id) is { } png ? Results.File(png, "image/png") : throw new StoreException(StoreError.NotFound, $"Subject '{name}' has no face {id}."))
            .WithSummary("The aligned face crop (PNG) stored for a face.");

        write.MapPost("/{name}/faces", async (string name, HttpRequest request, FaceAnalyzer faces, IFaceStore store, CancellationToken cancel) =>
        {
            var form = await Uploads.FormAsync(request, cancel);
            bool largest = Uploads.Flag(form, request, "largest");
            var photos = await Uploads.ImagesAsync(form, "image", cancel);
            var found = new List<(NewFace Face, FaceJson Detection)>(photos.Count);
            for (int i = 0; i < photos.Count; i++)
            {
                var image = faces.Decode(photos[i]);
                var face = faces.SingleFace(image, largest, $"photo {i + 1} of {photos.Count}");
                found.Add((faces.ToNewFace(image, face), FaceJson.From(face.Face)));
            }

            // All photos are checked before anything is stored: one bad photo enrolls none.
            var stored = store.AddFaces(name, [.. found.Select(f => f.Face)], Actor(request.HttpContext));
            return TypedResults.Created($"/v1/subjects/{Uri.EscapeDataString(name)}/faces", stored.Select((f, i) => StoredFaceJson.From(f, found[i].Detection)).ToList());
        }).WithSummary("Enrolls one face from each uploaded photo (file fields 'image'); creates the subject when new. All or none.");

        write.MapDelete("/{name}/faces/{id:long}", (string name, long id, IFaceStore store, HttpContext http) =>
            store.DeleteFace(name, id, Actor(http)) ? Results.NoContent() : throw new StoreException(StoreError.NotFound, $"Subject '{name}' has no face {id}."))
            .WithSummary("Deletes one face (its embedding and crop).");

        v1.MapGet("/audit", (IFaceStore store, int? limit) => store.Audit(Math.Clamp(limit ?? 100, 1, 1000)).Select(AuditJson.From).ToList())
            .RequireScope(ApiScopes.Write)
            .WithSummary("The newest writes: key, time, action, subject (write scope).");
    }

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
