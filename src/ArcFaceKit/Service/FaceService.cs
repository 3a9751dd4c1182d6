using ArcFaceKit.Alignment;
using ArcFaceKit.Clustering;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Quality;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Service;

/// <summary>
/// The one composition point: detector, aligner and embedder opened once and shared by every caller (the CLI, the
/// server, evaluation and training). Thread-safe: any number of threads may call one instance at once (ONNX Runtime
/// sessions are safe to run concurrently and nothing else here is mutable); at most
/// <see cref="FaceServiceOptions.Concurrency"/> analyses run at a time, each on
/// <see cref="FaceServiceOptions.ThreadsPerAnalysis"/> threads, and the rest wait in a bounded line.
/// Results keep the aligned crop, so nothing is aligned twice.
/// </summary>
public sealed class FaceService : IDisposable
{
    private readonly AnalysisGate _gate;
    private readonly DecodeOptions _decode;
    private readonly PixelBudget _decodedPixels;
    private readonly Lazy<SimilarityThreshold> _threshold;
    private readonly EmbeddingBatcher? _batcher;
    private readonly IFaceAligner[] _aligners;

    /// <summary>
    /// Uses the given stages (a user's own detector, say); the service owns and disposes them. Faces are aligned to each
    /// of the embedder's templates; a given aligner replaces the one template of a single model.
    /// </summary>
    public FaceService(IFaceDetector detector, IFaceEmbedder embedder, FaceServiceOptions options, IFaceAligner? aligner = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        Detector = detector;
        Embedder = embedder;
        Options = options;
        if (aligner is not null && (embedder.Templates.Count != 1 || aligner.CropSize != embedder.InputSize))
        {
            throw new ArgumentException($"The aligner makes {aligner.CropSize}px crops; {embedder.Manifest.Name} takes {string.Join(" and ", embedder.Templates)}.", nameof(aligner));
        }

        _aligners = aligner is not null ? [aligner] : [.. embedder.Templates.Select(FaceAligner.For)];

        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxQueuedAnalyses);
        _gate = new AnalysisGate(options.Concurrency, options.MaxQueuedAnalyses);
        _decode = new DecodeOptions { MaxPixels = options.MaxPixels };
        CheckBudget(options);
        _decodedPixels = new PixelBudget(options.MaxDecodedPixels, options.MaxQueuedAnalyses);
        _threshold = new(() => SimilarityThreshold.FromManifest(embedder.Manifest));
        _batcher = options.EmbeddingBatchWait > TimeSpan.Zero ? new EmbeddingBatcher(embedder, options.EmbeddingBatchWait, options.Embedding.BatchSize) : null;
    }

    public IFaceDetector Detector { get; }

    public IFaceEmbedder Embedder { get; }

    /// <summary>The aligner of the embedder's first template: the crop each face record keeps.</summary>
    public IFaceAligner Aligner => _aligners[0];

    public FaceServiceOptions Options { get; }

    /// <summary>The default decision threshold: the embedder manifest's FAR 1e-3 point (an error when it has none).</summary>
    public SimilarityThreshold DefaultThreshold => _threshold.Value;

    /// <summary>Time spent inside ONNX Runtime by both models since they were opened.</summary>
    public TimeSpan InferenceTime => Detector.InferenceTime + Embedder.InferenceTime;

    /// <summary>Opens the models the options name, with the options' threads.</summary>
    public static FaceService Open(FaceServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckBudget(options);
        var inference = new InferenceOptions { IntraOpThreads = options.ThreadsPerAnalysis, UseCuda = options.UseCuda };
        var detector = FaceDetectors.Open(options.Detector, options.Detection, inference);
        try
        {
            return new FaceService(detector, options.FuseWith.Count == 0
                ? FaceEmbedders.Open(options.Embedder, options.Embedding, inference)
                : FaceEmbedders.Fuse([options.Embedder, .. options.FuseWith], options.Embedding, inference), options);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>Decodes an upload under the options' pixel limit (EXIF orientation applied), outside the budget of <see cref="DecodeAsync"/>.</summary>
    public RgbImage Decode(ReadOnlySpan<byte> encoded) => ImageDecoder.Decode(encoded, _decode);

    /// <summary>
    /// Decodes an upload once its pixels fit in <see cref="FaceServiceOptions.MaxDecodedPixels"/> (waiting in line until
    /// they do), so that many large photos at once cannot take more memory than that budget; the pixel count comes from
    /// the header, before anything is decoded. <see cref="ServiceBusyException"/> when the line is full.
    /// </summary>
    public async Task<DecodedImage> DecodeAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken = default)
    {
        long pixels = ImageDecoder.MeasurePixels(encoded.Span, _decode, Options.MaxFullScalePixels);
        var share = await _decodedPixels.TryTakeAsync(pixels, cancellationToken).ConfigureAwait(false)
            ?? throw new ServiceBusyException($"Too many large photos are being decoded or waiting (budget {Options.MaxDecodedPixels:N0} pixels); retry in a moment.");
        try
        {
            var (image, width, height) = ImageDecoder.Decode(encoded.Span, _decode, Options.MaxFullScalePixels);
            return new DecodedImage(image, width, height, share);
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    public RgbImage DecodeFile(string path) => ImageDecoder.DecodeFile(path, _decode);

    /// <summary>Faces with box, landmarks and score, best score first (no embedding).</summary>
    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default)
    {
        using var slot = await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        return Detector.Detect(image);
    }

    /// <summary>Every face of the image, embedded.</summary>
    public async Task<IReadOnlyList<FaceRecord>> AnalyzeAsync(RgbImage image, CancellationToken cancellationToken = default) =>
        (await AnalyzeBatchAsync([image], FaceSelection.All, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Detects in each image, keeps the faces the selection names, then embeds every kept face of the batch in as few
    /// model runs as the embedder allows. One analysis slot for the whole batch.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<FaceRecord>>> AnalyzeBatchAsync(IReadOnlyList<RgbImage> images, FaceSelection selection = FaceSelection.All, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var faces = new List<IReadOnlyList<DetectedFace>>(images.Count);
        List<RgbImage> crops;
        using (await _gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var image in images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                faces.Add(FaceSelector.Apply(Detector.Detect(image), selection, image.Width, image.Height));
            }

            cancellationToken.ThrowIfCancellationRequested();
            crops = Align(images, faces);
            if (_batcher is null)
            {
                return Records(faces, crops, Embed(crops));
            }
        }

        return Records(faces, crops, await EmbedBatchedAsync(crops, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Analyses image files in batches of <paramref name="batchSize"/>, <see cref="FaceServiceOptions.Concurrency"/>
    /// batches at a time (decoding included), and yields them in the order of <paramref name="paths"/>: the way through a
    /// folder. At the default options that is one single-threaded analysis per core, faster than one analysis on every
    /// core (docs/speed.md). A file that cannot be read or decoded comes back with its error and no faces. At most
    /// Concurrency x batchSize images are decoded at a time; stopping the enumeration early waits for the batches under
    /// way.
    /// </summary>
    public IEnumerable<AnalyzedFile> AnalyzeFiles(IReadOnlyList<string> paths, FaceSelection selection = FaceSelection.All, int batchSize = 16, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return InOrder();

        IEnumerable<AnalyzedFile> InOrder()
        {
            var underWay = new Queue<Task<AnalyzedFile[]>>();
            int next = 0;
            try
            {
                while (next < paths.Count || underWay.Count > 0)
                {
                    while (underWay.Count < Options.Concurrency && next < paths.Count)
                    {
                        var chunk = new string[Math.Min(batchSize, paths.Count - next)];
                        for (int i = 0; i < chunk.Length; i++)
                        {
                            chunk[i] = paths[next++];
                        }

                        underWay.Enqueue(Task.Run(() => AnalyzeFilesAsync(chunk, selection, cancellationToken), cancellationToken));
                    }

                    foreach (var file in underWay.Dequeue().GetAwaiter().GetResult())
                    {
                        yield return file;
                    }
                }
            }
            finally
            {
                // Left early (a break, an error): no batch may still be using the service when the caller disposes it.
                foreach (Task task in underWay)
                {
                    task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
                }
            }
        }
    }

    private async Task<AnalyzedFile[]> AnalyzeFilesAsync(string[] paths, FaceSelection selection, CancellationToken cancellationToken)
    {
        var images = new List<RgbImage>(paths.Length);
        var decoded = new List<int>(paths.Length);
        var errors = new ImageDecodeException?[paths.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            try
            {
                images.Add(DecodeFile(paths[i]));
                decoded.Add(i);
            }
            catch (ImageDecodeException e)
            {
                errors[i] = e;
            }
        }

        var found = images.Count > 0 ? await AnalyzeBatchAsync(images, selection, cancellationToken).ConfigureAwait(false) : [];
        var files = paths.Select((path, i) => new AnalyzedFile(path, [], errors[i])).ToArray();
        for (int j = 0; j < decoded.Count; j++)
        {
            files[decoded[j]] = files[decoded[j]] with { Faces = found[j] };
        }

        return files;
    }

    /// <summary>
    /// The one face a photo is about: none is an error, several are an error under <see cref="SingleFacePolicy.Refuse"/>,
    /// else the largest or the most central is taken. Only that face is aligned and embedded.
    /// </summary>
    public async Task<FaceRecord> SingleFaceAsync(RgbImage image, SingleFacePolicy policy, string what = "the photo", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        DetectedFace[][] faces;
        List<RgbImage> crops;
        using (await _gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = Detector.Detect(image);
            cancellationToken.ThrowIfCancellationRequested();
            faces = [[Choose(found, policy, image, what)]];
            crops = Align([image], faces);
            if (_batcher is null)
            {
                return Records(faces, crops, Embed(crops))[0][0];
            }
        }

        return Records(faces, crops, await EmbedBatchedAsync(crops, cancellationToken).ConfigureAwait(false))[0][0];
    }

    /// <summary>1:1: the single faces of two photos compared against a threshold (default: <see cref="DefaultThreshold"/>).</summary>
    public async Task<(Verification Decision, FaceRecord First, FaceRecord Second)> VerifyAsync(
        RgbImage first, RgbImage second, SingleFacePolicy policy, SimilarityThreshold? threshold = null, CancellationToken cancellationToken = default)
    {
        var a = await SingleFaceAsync(first, policy, "the first photo", cancellationToken).ConfigureAwait(false);
        var b = await SingleFaceAsync(second, policy, "the second photo", cancellationToken).ConfigureAwait(false);
        return (Verification.Of(a.Embedding, b.Embedding, threshold ?? DefaultThreshold), a, b);
    }

    /// <summary>
    /// The face each photo gives for enrolment (its single face under the policy, with its crop). Every photo is
    /// checked here, before anything is written: one photo without a usable face enrolls none.
    /// </summary>
    public async Task<IReadOnlyList<(NewFace New, FaceRecord Face)>> FacesToEnrollAsync(
        IReadOnlyList<(RgbImage Image, string? Source)> photos, SingleFacePolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var faces = new List<(NewFace, FaceRecord)>(photos.Count);
        for (int i = 0; i < photos.Count; i++)
        {
            faces.Add(await FaceToEnrollAsync(photos[i].Image, photos[i].Source, i, photos.Count, policy, cancellationToken).ConfigureAwait(false));
        }

        return faces;
    }

    /// <summary>Adds one face from each photo to a subject (created when new), all or none (see <see cref="FacesToEnrollAsync"/>).</summary>
    public async Task<IReadOnlyList<(StoredFace Stored, FaceRecord Face)>> EnrollAsync(
        IFaceGallery gallery, string subject, IReadOnlyList<(RgbImage Image, string? Source)> photos, SingleFacePolicy policy, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        CheckModel(gallery);
        return await StoreAsync(gallery, subject, await FacesToEnrollAsync(photos, policy, cancellationToken).ConfigureAwait(false), actor, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="EnrollAsync"/>, for uploads not yet decoded: decoded one at a time under the decoding budget (see
    /// <see cref="DecodeAsync"/>), each let go once its face is taken, so many large photos hold one image at a time.
    /// With a <paramref name="requestKey"/> it is safe to retry (see <see cref="IFaceGallery.AddFacesOnceAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<(StoredFace Stored, FaceRecord Face)>> EnrollUploadsAsync(
        IFaceGallery gallery, string subject, IReadOnlyList<(ReadOnlyMemory<byte> Encoded, string? Source)> uploads, SingleFacePolicy policy, string actor,
        string? requestKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(uploads);
        CheckModel(gallery);
        return await StoreAsync(gallery, subject, await FacesFromUploadsAsync(uploads, policy, cancellationToken).ConfigureAwait(false), actor, requestKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>1:N: for every face of the photo, the k best subjects under the scoring rule, accepted at or above the threshold.</summary>
    public async Task<IReadOnlyList<IdentifiedFace>> IdentifyAsync(IFaceGallery gallery, RgbImage image, IdentifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        CheckModel(gallery);
        options ??= IdentifyOptions.Default;
        var threshold = options.Threshold ?? DefaultThreshold;
        var faces = await AnalyzeAsync(image, cancellationToken).ConfigureAwait(false);
        var result = new List<IdentifiedFace>(faces.Count);
        foreach (var face in faces)
        {
            var matches = await gallery.SearchAsync(face.Embedding, options.K, options.Scoring, cancellationToken).ConfigureAwait(false);
            var identified = new IdentifiedFace(face, [.. matches.Select(m => new IdentityCandidate(m, m.Similarity >= threshold.Cosine))], threshold);
            if (identified.Identity is null && options.CollectUnknownAs is { } actor)
            {
                identified = identified with { Collected = await CollectFaceAsync(gallery, face, null, actor, cancellationToken).ConfigureAwait(false) };
            }

            result.Add(identified);
        }

        return result;
    }

    /// <summary>
    /// Keeps every face of a photo in the gallery's groups of unnamed faces (a collection to be named later), each
    /// joining the group its template is nearest at or above <see cref="GroupThreshold"/>, else starting one; faces
    /// under <see cref="FaceServiceOptions.MinEnrollImageQuality"/> are left out (no group).
    /// </summary>
    public async Task<IReadOnlyList<(GroupFace? Group, FaceRecord Face)>> CollectAsync(IFaceGallery gallery, RgbImage image, string actor, string? source = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        CheckModel(gallery);
        var faces = await AnalyzeAsync(image, cancellationToken).ConfigureAwait(false);
        var result = new List<(GroupFace?, FaceRecord)>(faces.Count);
        foreach (var face in faces)
        {
            result.Add((await CollectFaceAsync(gallery, face, source, actor, cancellationToken).ConfigureAwait(false), face));
        }

        return result;
    }

    /// <summary>
    /// The similarity a face needs to join a group of unnamed faces: the clustering threshold of `arcface cluster`
    /// (<see cref="ClusteringDefaults.ThresholdFor"/>), so the server groups faces as the clustering command does.
    /// </summary>
    public float GroupThreshold => ClusteringDefaults.ThresholdFor(Embedder.Manifest);

    private async Task<GroupFace?> CollectFaceAsync(IFaceGallery gallery, FaceRecord face, string? source, string actor, CancellationToken cancellationToken) =>
        TooPoor(face) is not null ? null : await gallery.AddToGroupsAsync(NewFace.From(face, source), GroupThreshold, actor, cancellationToken).ConfigureAwait(false);

    /// <summary>The face's quality when it is under <see cref="FaceServiceOptions.MinEnrollImageQuality"/> (not to be kept), else null.</summary>
    private FaceQuality? TooPoor(FaceRecord face) =>
        Options.MinEnrollImageQuality > 0 && FaceQualityRules.Assess(face) is var quality && quality.ImageScore < Options.MinEnrollImageQuality ? quality : null;

    public void Dispose()
    {
        _batcher?.Dispose();
        Detector.Dispose();
        Embedder.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// The faces to enroll from uploads not yet decoded: one at a time under the decoding budget (see
    /// <see cref="DecodeAsync"/>), each image let go once its face is taken, so a request of many large photos holds
    /// one of them at a time.
    /// </summary>
    private async Task<IReadOnlyList<(NewFace New, FaceRecord Face)>> FacesFromUploadsAsync(
        IReadOnlyList<(ReadOnlyMemory<byte> Encoded, string? Source)> uploads, SingleFacePolicy policy, CancellationToken cancellationToken)
    {
        var faces = new List<(NewFace, FaceRecord)>(uploads.Count);
        for (int i = 0; i < uploads.Count; i++)
        {
            DecodedImage decoded;
            try
            {
                decoded = await DecodeAsync(uploads[i].Encoded, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageDecodeException e)
            {
                throw new ImageDecodeException($"{PhotoName(uploads[i].Source, i, uploads.Count)}: {e.Message}", e);
            }

            using (decoded)
            {
                var (face, record) = await FaceToEnrollAsync(decoded.Image, uploads[i].Source, i, uploads.Count, policy, cancellationToken).ConfigureAwait(false);
                faces.Add((face, record with { Face = record.Face.ScaledBy(decoded.Scale) }));   // reported in the photo's own pixels
            }
        }

        return faces;
    }

    private static void CheckBudget(FaceServiceOptions options)
    {
        if (options.MaxDecodedPixels < 2 * options.MaxPixels)
        {
            throw new ArgumentException($"The decoding budget ({options.MaxDecodedPixels:N0} pixels) must hold two photos of the largest size ({options.MaxPixels:N0} pixels): a verification decodes two.", nameof(options));
        }
    }

    private static string PhotoName(string? source, int index, int count) => source ?? (count == 1 ? "the photo" : $"photo {index + 1} of {count}");

    private async Task<(NewFace New, FaceRecord Face)> FaceToEnrollAsync(RgbImage image, string? source, int index, int count, SingleFacePolicy policy, CancellationToken cancellationToken)
    {
        string what = PhotoName(source, index, count);
        var face = await SingleFaceAsync(image, policy, what, cancellationToken).ConfigureAwait(false);
        if (TooPoor(face) is { } quality)
        {
            throw new PoorFaceException(quality, $"{what}: the face is too poor to enroll (image quality {quality.ImageScore:F2}, the minimum is {Options.MinEnrollImageQuality:F2}; " +
                $"face {quality.FaceSize:F0} px, sharpness {quality.Sharpness:F0}, yaw {quality.Yaw:F2}, detector score {quality.DetectorScore:F2}): use a larger, sharper, frontal photo.");
        }

        return (NewFace.From(face, source), face);
    }

    /// <summary>
    /// Stores the faces (nothing when the caller has gone), paired with what they came from; with a request key, a retry
    /// that lost the race to its original gets the original's faces.
    /// </summary>
    private static async Task<IReadOnlyList<(StoredFace Stored, FaceRecord Face)>> StoreAsync(
        IFaceGallery gallery, string subject, IReadOnlyList<(NewFace New, FaceRecord Face)> faces, string actor, string? requestKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<NewFace> added = [.. faces.Select(f => f.New)];
        var stored = requestKey is null
            ? await gallery.AddFacesAsync(subject, added, actor, cancellationToken).ConfigureAwait(false)
            : (await gallery.AddFacesOnceAsync(subject, added, actor, requestKey, cancellationToken).ConfigureAwait(false)).Faces;
        return [.. stored.Zip(faces, (s, f) => (s, f.Face))];
    }

    private DetectedFace Choose(IReadOnlyList<DetectedFace> found, SingleFacePolicy policy, RgbImage image, string what)
    {
        if (found.Count == 0)
        {
            throw new FaceSelectionException(0, $"{what}: no face found (detector {Detector.Manifest.Name}).");
        }

        if (found.Count > 1 && policy == SingleFacePolicy.Refuse)
        {
            throw new FaceSelectionException(found.Count, $"{what}: {found.Count} faces found; use a photo with one face, or ask for the largest (--largest, largest=true).");
        }

        var selection = policy == SingleFacePolicy.Central ? FaceSelection.MostCentral : FaceSelection.Largest;
        return FaceSelector.Apply(found, selection, image.Width, image.Height)[0];
    }

    private (float[][] Embeddings, float[] Norms) Embed(List<RgbImage> crops) =>
        crops.Count == 0 ? ([], []) : Embedder.EmbedWithNorms(crops);

    /// <summary>As <see cref="Embed"/>, the crops embedded with those of concurrent analyses (outside the analysis slot).</summary>
    private async Task<(float[][] Embeddings, float[] Norms)> EmbedBatchedAsync(List<RgbImage> crops, CancellationToken cancellationToken) =>
        crops.Count == 0 ? ([], []) : await _batcher!.EmbedAsync(crops, cancellationToken).ConfigureAwait(false);

    /// <summary>Each face's crops, one per template of the embedder, face by face (as the embedder takes them).</summary>
    private List<RgbImage> Align(IReadOnlyList<RgbImage> images, IReadOnlyList<IReadOnlyList<DetectedFace>> faces)
    {
        var crops = new List<RgbImage>();
        for (int i = 0; i < images.Count; i++)
        {
            crops.AddRange(faces[i].SelectMany(f => _aligners.Select(a => a.Align(images[i], f.Landmarks))));
        }

        return crops;
    }

    private List<IReadOnlyList<FaceRecord>> Records(IReadOnlyList<IReadOnlyList<DetectedFace>> faces, List<RgbImage> crops, (float[][] Embeddings, float[] Norms) embedded)
    {
        var (embeddings, norms) = embedded;
        var result = new List<IReadOnlyList<FaceRecord>>(faces.Count);
        int next = 0;
        foreach (var list in faces)
        {
            var records = new FaceRecord[list.Count];
            for (int j = 0; j < list.Count; j++, next++)
            {
                records[j] = new FaceRecord(list[j], embeddings[next], crops[next * _aligners.Length]) { EmbeddingNorm = norms[next] };
            }

            result.Add(records);
        }

        return result;
    }

    private void CheckModel(IFaceGallery gallery)
    {
        if (gallery.Model.Key != Embedder.Identity.Key)
        {
            throw new GalleryException(GalleryError.WrongModel, $"This gallery holds embeddings of {gallery.Model}; this service embeds with {Embedder.Identity}.");
        }
    }
}
