using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// The unnamed faces: faces of people not enrolled, kept by recognize (--collect-unknown or collect=true) or uploaded
/// in bulk, grouped into people by the gallery; listed to be named, merged and split. Reads need the read scope,
/// changes the write scope; every change is audited, and erasing a group erases its faces as a subject's are.
/// </summary>
internal static class GroupEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var read = v1.MapGroup("/groups").RequireScope(ApiScopes.Read);
        var write = v1.MapGroup("/groups").RequireScope(ApiScopes.Write).DisableAntiforgery();

        read.MapGet("", async (IFaceGallery gallery, int? minFaces, CancellationToken cancellationToken) =>
            (await gallery.ListGroupsAsync(cancellationToken)).Where(g => g.Faces.Count >= Math.Max(1, minFaces ?? 1)).Select(GroupJson.From).ToList())
            .WithSummary("The groups of unnamed faces, largest first (minFaces: only groups with at least that many faces).");

        read.MapGet("/{id:long}", async (long id, IFaceGallery gallery, CancellationToken cancellationToken) =>
            GroupJson.From(await gallery.GetGroupAsync(id, cancellationToken) ?? throw NoGroup(id)))
            .WithSummary("One group of unnamed faces.");

        read.MapGet("/{id:long}/faces/{face:long}/image", async (long id, long face, IFaceGallery gallery, CancellationToken cancellationToken) =>
            await gallery.GetGroupFaceCropAsync(id, face, cancellationToken) is { } png ? Results.File(png, "image/png") : throw new GalleryException(GalleryError.NotFound, $"Group {id} has no face {face}."))
            .WithSummary("The aligned crop (PNG) of a face in a group.");

        write.MapPost("/faces", async (HttpRequest request, GalleryService faces, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, RateLimits limits, CancellationToken cancellationToken) =>
        {
            var form = await Uploads.FormAsync(request, cancellationToken);
            var photos = await Uploads.ImagesAsync(form, "image", options.MaxPhotosPerRequest, cancellationToken);
            limits.Charge(request.HttpContext, photos.Count - 1);   // the request's own token paid for the first photo
            string actor = Actor(request.HttpContext);
            var result = new List<CollectedPhotoJson>(photos.Count);
            for (int i = 0; i < photos.Count; i++)
            {
                // Photos are independent here (unlike an enrolment): one that cannot be read is reported, the others kept.
                try
                {
                    using var decoded = await uploads.DecodeAsync(photos[i], cancellationToken);
                    var collected = await faces.CollectAsync(gallery, decoded.Image, actor, null, cancellationToken);
                    result.Add(new CollectedPhotoJson(i, [.. collected.Select(c => new CollectedFaceJson(FaceJson.From(c.Face.Face, decoded.Scale), c.Group?.Group))], null));
                }
                catch (ImageDecodeException e)
                {
                    result.Add(new CollectedPhotoJson(i, [], e.Message));
                }
            }

            return result;
        }).WithSummary("Adds every face of each uploaded photo (file fields 'image') to the unnamed faces; each joins the group of its person or starts one.");

        write.MapPost("/{id:long}/name", async (long id, SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            SubjectJson.From(await gallery.NameGroupAsync(id, body.Name, Actor(http), cancellationToken)))
            .WithSummary("Names a group: its faces are enrolled for that subject (created, or added to when it exists), and the group is gone.");

        write.MapPost("/{id:long}/merge", async (long id, MergeRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            GroupJson.From(await gallery.MergeGroupsAsync(id, body.Group, Actor(http), cancellationToken)))
            .WithSummary("Moves every face of another group ('group') into this one.");

        write.MapPost("/{id:long}/faces/{face:long}/split", async (long id, long face, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            GroupJson.From(await gallery.SplitFaceAsync(id, face, Actor(http), cancellationToken)))
            .WithSummary("Moves a face out of its group into a new group of its own (answered).");

        write.MapDelete("/{id:long}", async (long id, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
            await gallery.DeleteGroupAsync(id, Actor(http), cancellationToken) ? Results.NoContent() : throw NoGroup(id))
            .WithSummary("Erases a group with every embedding and crop of its faces.");
    }

    private static GalleryException NoGroup(long id) => new(GalleryError.NotFound, $"No group {id} of unnamed faces.");

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
