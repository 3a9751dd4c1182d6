using ArcFaceKit.Clustering;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Quality;

namespace ArcFaceKit.Service;

/// <summary>
/// The gallery workflows over a pipeline: enrol (all of a request's photos or none), identify 1:N, collect unnamed
/// faces into groups, with the quality gate in front of every face kept. Each gallery given must hold embeddings of the
/// pipeline's embedder (checked at each call). Thread-safe as its pipeline and galleries are; it owns neither.
/// </summary>
public sealed class GalleryService
{
    /// <summary>
    /// Workflows over the pipeline; <paramref name="uploads"/> decodes uploads for
    /// <see cref="EnrollUploadsAsync"/> (share one with the caller's other decoding, so one budget holds), default one of its own.
    /// </summary>
    public GalleryService(FacePipeline pipeline, GalleryServiceOptions? options = null, UploadDecoder? uploads = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        Pipeline = pipeline;
        Options = options ?? GalleryServiceOptions.Default;
        Uploads = uploads ?? new UploadDecoder();
    }

    public FacePipeline Pipeline { get; }

    public GalleryServiceOptions Options { get; }

    public UploadDecoder Uploads { get; }

    /// <summary>
    /// The similarity a face needs to join a group of unnamed faces: the clustering threshold of `arcface cluster`
    /// (<see cref="ClusteringDefaults.ThresholdFor"/>), so unnamed faces are grouped as the clustering command groups them.
    /// </summary>
    public float GroupThreshold => Pipeline.Embedder is IModelInfo info
        ? ClusteringDefaults.ThresholdFor(info.Manifest)
        : throw new ModelContractException($"{Pipeline.Embedder.Identity.Name} has no manifest with a measured threshold to group unnamed faces by.");

    /// <summary>
    /// The face each photo gives for enrolment (its single face under the selection, with its crop). Every photo is
    /// checked here, before anything is written: one photo without a usable face enrolls none.
    /// </summary>
    public async Task<IReadOnlyList<FaceToEnroll>> FacesToEnrollAsync(IReadOnlyList<PhotoToEnroll> photos, FaceSelection selection = FaceSelection.Single, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var faces = new List<FaceToEnroll>(photos.Count);
        for (int i = 0; i < photos.Count; i++)
        {
            faces.Add(await FaceToEnrollAsync(photos[i].Image, PhotoName(photos[i].Source, i, photos.Count), photos[i].Source, selection, cancellationToken).ConfigureAwait(false));
        }

        return faces;
    }

    /// <summary>Adds one face from each photo to a subject (created when new), all or none (see <see cref="FacesToEnrollAsync"/>).</summary>
    public async Task<IReadOnlyList<EnrolledFace>> EnrollAsync(IFaceGallery gallery, string subject, IReadOnlyList<PhotoToEnroll> photos, FaceSelection selection, string actor, CancellationToken cancellationToken = default)
    {
        CheckModel(gallery);
        return await StoreAsync(gallery, subject, await FacesToEnrollAsync(photos, selection, cancellationToken).ConfigureAwait(false), actor, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="EnrollAsync"/>, for uploads not yet decoded: decoded one at a time under the decoding budget
    /// (<see cref="UploadDecoder"/>), each let go once its face is taken, so many large photos hold one image at a time.
    /// With a <paramref name="requestKey"/> it is safe to retry (see <see cref="IFaceGallery.AddFacesOnceAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<EnrolledFace>> EnrollUploadsAsync(
        IFaceGallery gallery, string subject, IReadOnlyList<Upload> uploads, FaceSelection selection, string actor, string? requestKey = null, CancellationToken cancellationToken = default)
    {
        CheckModel(gallery);
        ArgumentNullException.ThrowIfNull(uploads);
        var faces = new List<FaceToEnroll>(uploads.Count);
        for (int i = 0; i < uploads.Count; i++)
        {
            string photo = PhotoName(uploads[i].Source, i, uploads.Count);
            DecodedImage decoded;
            try
            {
                decoded = await Uploads.DecodeAsync(uploads[i].Encoded, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageDecodeException e)
            {
                throw new ImageDecodeException($"{photo}: {e.Message}", e);
            }

            using (decoded)
            {
                var face = await FaceToEnrollAsync(decoded.Image, photo, uploads[i].Source, selection, cancellationToken).ConfigureAwait(false);
                faces.Add(face with { Face = face.Face with { Face = face.Face.Face.ScaledBy(decoded.Scale) } });   // reported in the photo's own pixels
            }
        }

        return await StoreAsync(gallery, subject, faces, actor, requestKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>1:N: for every face of the photo, the k best subjects under the scoring rule, accepted at or above the threshold.</summary>
    public async Task<IReadOnlyList<IdentifiedFace>> IdentifyAsync(IFaceGallery gallery, RgbImage image, IdentifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckModel(gallery);
        options ??= IdentifyOptions.Default;
        var threshold = options.Threshold ?? Pipeline.DefaultThreshold;
        var faces = await Pipeline.AnalyzeAsync(image, FaceSelection.All, cancellationToken).ConfigureAwait(false);
        var result = new List<IdentifiedFace>(faces.Count);
        foreach (var face in faces)
        {
            var matches = await gallery.SearchAsync(face.Embedding, options.K, options.Scoring, cancellationToken).ConfigureAwait(false);
            var identified = new IdentifiedFace(face, [.. matches.Select(m => new IdentityCandidate(m, m.Similarity >= threshold.Cosine))], threshold);
            if (identified.Identity is null && options.CollectUnknownAs is { } actor)
            {
                identified = identified with { Collected = await CollectFaceAsync(gallery, face, actor, null, cancellationToken).ConfigureAwait(false) };
            }

            result.Add(identified);
        }

        return result;
    }

    /// <summary>
    /// Keeps every face of a photo in the gallery's groups of unnamed faces (a collection to be named later), each
    /// joining the group its template is nearest at or above <see cref="GroupThreshold"/>, else starting one; faces
    /// under <see cref="GalleryServiceOptions.MinEnrollImageQuality"/> are left out (no group).
    /// </summary>
    public async Task<IReadOnlyList<CollectedFace>> CollectAsync(IFaceGallery gallery, RgbImage image, string actor, string? source = null, CancellationToken cancellationToken = default)
    {
        CheckModel(gallery);
        var faces = await Pipeline.AnalyzeAsync(image, FaceSelection.All, cancellationToken).ConfigureAwait(false);
        var result = new List<CollectedFace>(faces.Count);
        foreach (var face in faces)
        {
            result.Add(new CollectedFace(await CollectFaceAsync(gallery, face, actor, source, cancellationToken).ConfigureAwait(false), face));
        }

        return result;
    }

    /// <summary>
    /// Keeps one analysed face (a video track's best, say) in the groups of unnamed faces, as <see cref="CollectAsync"/> does
    /// each face of a photo; null when it is under the quality gate.
    /// </summary>
    public async Task<GroupFace?> CollectFaceAsync(IFaceGallery gallery, FaceRecord face, string actor, string? source = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(face);
        return TooPoor(face) is not null ? null : await gallery.AddToGroupsAsync(NewFace.From(face, source), GroupThreshold, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The face's quality when it is under <see cref="GalleryServiceOptions.MinEnrollImageQuality"/> (not to be kept), else null.</summary>
    private FaceQuality? TooPoor(FaceRecord face) =>
        Options.MinEnrollImageQuality > 0 && FaceQualityRules.Assess(face) is var quality && quality.ImageScore < Options.MinEnrollImageQuality ? quality : null;

    private static string PhotoName(string? source, int index, int count) => source ?? (count == 1 ? "the photo" : $"photo {index + 1} of {count}");

    private async Task<FaceToEnroll> FaceToEnrollAsync(RgbImage image, string photo, string? source, FaceSelection selection, CancellationToken cancellationToken)
    {
        var face = await Pipeline.SingleFaceAsync(image, selection, photo, cancellationToken).ConfigureAwait(false);
        if (TooPoor(face) is { } quality)
        {
            throw new PoorFaceException(quality, $"{photo}: the face is too poor to enroll (image quality {quality.ImageScore:F2}, the minimum is {Options.MinEnrollImageQuality:F2}; " +
                $"face {quality.FaceSize:F0} px, sharpness {quality.Sharpness:F0}, yaw {quality.Yaw:F2}, detector score {quality.DetectorScore:F2}): use a larger, sharper, frontal photo.");
        }

        return new FaceToEnroll(NewFace.From(face, source), face);
    }

    /// <summary>
    /// Stores the faces (nothing when the caller has gone); with a request key, a retry that lost the race to its
    /// original gets the original's faces.
    /// </summary>
    private static async Task<IReadOnlyList<EnrolledFace>> StoreAsync(IFaceGallery gallery, string subject, IReadOnlyList<FaceToEnroll> faces, string actor, string? requestKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<NewFace> added = [.. faces.Select(f => f.New)];
        var stored = requestKey is null
            ? await gallery.AddFacesAsync(subject, added, actor, cancellationToken).ConfigureAwait(false)
            : (await gallery.AddFacesOnceAsync(subject, added, actor, requestKey, cancellationToken).ConfigureAwait(false)).Faces;
        return [.. stored.Zip(faces, (s, f) => new EnrolledFace(s, f.Face))];
    }

    private void CheckModel(IFaceGallery gallery)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        if (gallery.Model.Key != Pipeline.Embedder.Identity.Key)
        {
            throw new GalleryException(GalleryError.WrongModel, $"This gallery holds embeddings of {gallery.Model}; this pipeline embeds with {Pipeline.Embedder.Identity}.");
        }
    }
}
