using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Service;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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

        read.MapGet("", ListAsync).ProducesProblems(400)
            .WithSummary("The groups of unnamed faces, largest first (minFaces: only groups with at least that many faces).");
        read.MapGet("/{id:long}", GetAsync).ProducesProblems(404).WithSummary("One group of unnamed faces.");
        read.MapGet("/{id:long}/faces/{face:long}/image", GetFaceImageAsync).Produces<Stream>(StatusCodes.Status200OK, "image/png").ProducesProblems(404)
            .WithSummary("The aligned crop (PNG) of a face in a group.");

        // A photo that cannot be read is reported in the answer, not refused: no 422 here.
        write.MapPost("/faces", CollectAsync).ProducesProblems(400, 413, 415, 503)
            .WithSummary("Adds every face of each uploaded photo (file fields 'image') to the unnamed faces; each joins the group of its person or starts one.");
        write.MapPost("/{id:long}/name", NameAsync).ProducesProblems(400, 404, 413, 415)
            .WithSummary("Names a group: its faces are enrolled for that subject (created, or added to when it exists), and the group is gone.");
        write.MapPost("/{id:long}/merge", MergeAsync).ProducesProblems(400, 404, 413, 415).WithSummary("Moves every face of another group ('group') into this one.");
        write.MapPost("/{id:long}/faces/{face:long}/split", SplitAsync).ProducesProblems(404)
            .WithSummary("Moves a face out of its group into a new group of its own (answered).");
        write.MapDelete("/{id:long}", DeleteAsync).ProducesProblems(404, 503).WithSummary("Erases a group with every embedding and crop of its faces.");
    }

    public static async Task<Ok<List<GroupJson>>> ListAsync(IFaceGallery gallery, int? minFaces, CancellationToken cancellationToken) =>
        TypedResults.Ok((await gallery.ListGroupsAsync(cancellationToken)).Where(g => g.Faces.Count >= Math.Max(1, minFaces ?? 1)).Select(GroupJson.From).ToList());

    public static async Task<Results<Ok<GroupJson>, ProblemHttpResult>> GetAsync(long id, IFaceGallery gallery, CancellationToken cancellationToken) =>
        await gallery.GetGroupAsync(id, cancellationToken) is { } group ? TypedResults.Ok(GroupJson.From(group)) : NoGroup(id);

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFaceImageAsync(long id, long face, IFaceGallery gallery, CancellationToken cancellationToken) =>
        await gallery.GetGroupFaceCropAsync(id, face, cancellationToken) is { } png ? TypedResults.File(png, "image/png") : Refusals.NotFound($"Group {id} has no face {face}.");

    public static async Task<Results<Ok<List<CollectedPhotoJson>>, ProblemHttpResult>> CollectAsync(
        [FromForm] UploadedPhotos? photos, HttpContext http, GalleryService faces, UploadDecoder uploads, IFaceGallery gallery, ServerOptions options, RateLimits limits, CancellationToken cancellationToken)
    {
        var image = UploadedPhotos.Of(photos);
        if (Uploads.Refuses(image, "image", options.MaxPhotosPerRequest, out var refusal))
        {
            return refusal;
        }

        limits.Charge(http, image.Count - 1);   // the request's own token paid for the first photo
        string actor = Actor(http);
        var result = new List<CollectedPhotoJson>(image.Count);
        for (int i = 0; i < image.Count; i++)
        {
            // Photos are independent here (unlike an enrolment): one that cannot be read is reported, the others kept.
            try
            {
                using var decoded = await uploads.DecodeAsync(await Uploads.ReadAsync(image[i], cancellationToken), cancellationToken);
                var collected = await faces.CollectAsync(gallery, decoded.Image, actor, null, cancellationToken);
                result.Add(new CollectedPhotoJson(i, [.. collected.Select(c => new CollectedFaceJson(FaceJson.From(c.Face.Face, decoded.Scale), c.Group?.Group))], null));
            }
            catch (ImageDecodeException e)
            {
                result.Add(new CollectedPhotoJson(i, [], e.Message));
            }
        }

        return TypedResults.Ok(result);
    }

    public static async Task<Ok<SubjectJson>> NameAsync(long id, SubjectRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(SubjectJson.From(await gallery.NameGroupAsync(id, body.Name, Actor(http), cancellationToken)));

    public static async Task<Ok<GroupJson>> MergeAsync(long id, MergeRequest body, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(GroupJson.From(await gallery.MergeGroupsAsync(id, body.Group, Actor(http), cancellationToken)));

    public static async Task<Ok<GroupJson>> SplitAsync(long id, long face, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(GroupJson.From(await gallery.SplitFaceAsync(id, face, Actor(http), cancellationToken)));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, IFaceGallery gallery, HttpContext http, CancellationToken cancellationToken) =>
        await gallery.DeleteGroupAsync(id, Actor(http), cancellationToken) ? TypedResults.NoContent() : NoGroup(id);

    private static ProblemHttpResult NoGroup(long id) => Refusals.NotFound($"No group {id} of unnamed faces.");

    private static string Actor(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
