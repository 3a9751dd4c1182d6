using System.Runtime.CompilerServices;
using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>
/// Detect, align, embed: the stages opened once and shared by every caller (the CLI, the server, evaluation, training).
/// It knows nothing of galleries (see <see cref="Service.GalleryService"/>). Thread-safe: any number of threads may call
/// one instance at once; at most <see cref="PipelineOptions.Concurrency"/> analyses run at a time, each on
/// <see cref="PipelineOptions.ThreadsPerAnalysis"/> threads, and the rest wait in a bounded line. Results keep the
/// aligned crop, so nothing is aligned twice.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private readonly AnalysisGate _gate;
    private readonly DecodeOptions _decode;
    private readonly EmbeddingBatcher? _batcher;
    private readonly IFaceAligner[] _aligners;
    private int _disposed;

    /// <summary>
    /// Uses the given stages (a detector or embedder of one's own, say); the pipeline owns them and disposes those that
    /// are disposable. Faces are aligned to each of the embedder's templates; a given aligner replaces the one template of
    /// a single model.
    /// </summary>
    public FacePipeline(IFaceDetector detector, IFaceEmbedder embedder, PipelineOptions? options = null, IFaceAligner? aligner = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(embedder);
        Detector = detector;
        Embedder = embedder;
        Options = options ?? PipelineOptions.Default;
        if (aligner is not null && (embedder.Templates.Count != 1 || aligner.CropSize != embedder.Templates[0].Size))
        {
            throw new ArgumentException($"The aligner makes {aligner.CropSize}px crops; {embedder.Identity.Name} takes {string.Join(" and ", embedder.Templates)}.", nameof(aligner));
        }

        _aligners = aligner is not null ? [aligner] : [.. embedder.Templates.Select(FaceAligner.For)];
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxQueuedAnalyses);
        _gate = new AnalysisGate(Options.Concurrency, Options.MaxQueuedAnalyses);
        _decode = new DecodeOptions { MaxPixels = Options.MaxPixels };
        _batcher = Options.EmbeddingBatchWait > TimeSpan.Zero ? new EmbeddingBatcher(embedder, Options.EmbeddingBatchWait, Options.EmbeddingBatchSize) : null;
    }

    public IFaceDetector Detector { get; }

    public IFaceEmbedder Embedder { get; }

    /// <summary>The aligner of the embedder's first template: the crop each face record keeps.</summary>
    public IFaceAligner Aligner => _aligners[0];

    public PipelineOptions Options { get; }

    /// <summary>
    /// The default decision threshold: the embedder manifest's FAR 1e-3 point; an error when the embedder has no
    /// manifest or the manifest has no such threshold (then give one).
    /// </summary>
    public SimilarityThreshold DefaultThreshold => Embedder is IModelInfo info
        ? SimilarityThreshold.FromManifest(info.Manifest)
        : throw new ModelContractException($"{Embedder.Identity.Name} has no manifest with a measured threshold: give one.");

    /// <summary>Time spent inside ONNX Runtime by both models since they were opened (zero for stages that do not say).</summary>
    public TimeSpan InferenceTime => ((Detector as IModelInfo)?.InferenceTime ?? TimeSpan.Zero) + ((Embedder as IModelInfo)?.InferenceTime ?? TimeSpan.Zero);

    /// <summary>Opens the models named, each run on the options' threads.</summary>
    public static FacePipeline Open(FaceModels models, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        options ??= PipelineOptions.Default;
        var inference = new InferenceOptions { IntraOpThreads = options.ThreadsPerAnalysis, UseCuda = models.UseCuda };
        var detector = FaceDetectors.Open(models.Detector, models.Detection, inference);
        try
        {
            return new FacePipeline(detector, models.FuseWith.Count == 0
                ? FaceEmbedders.Open(models.Embedder, models.Embedding, inference)
                : FaceEmbedders.Fuse([models.Embedder, .. models.FuseWith], models.Embedding, inference), options);
        }
        catch
        {
            (detector as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>Decodes an image file under the options' pixel limit, EXIF orientation applied.</summary>
    public RgbImage DecodeFile(string path) => ImageDecoder.DecodeFile(path, _decode);

    /// <summary>The faces the selection keeps, with box, landmarks and score, best score first (no embedding).</summary>
    public Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, FaceSelection selection = FaceSelection.All, CancellationToken cancellationToken = default) =>
        DetectAsync(image, selection, AnalysisLane.Requests, cancellationToken);

    /// <summary><see cref="DetectAsync(RgbImage, FaceSelection, CancellationToken)"/> waiting in the given line: video analysis waits in the frames' line.</summary>
    internal async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, FaceSelection selection, AnalysisLane lane, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var slot = await EnterAsync(lane, cancellationToken).ConfigureAwait(false);
        return Select(Detector.Detect(image, cancellationToken), selection, image, "the photo");
    }

    /// <summary>The faces of the image the selection keeps, embedded.</summary>
    public async Task<IReadOnlyList<FaceRecord>> AnalyzeAsync(RgbImage image, FaceSelection selection = FaceSelection.All, CancellationToken cancellationToken = default) =>
        (await AnalyzeBatchAsync([image], selection, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Detects in each image, keeps the faces the selection names, then embeds every kept face of the batch in as few
    /// model runs as the embedder allows. One analysis slot for the whole batch.
    /// </summary>
    public Task<IReadOnlyList<IReadOnlyList<FaceRecord>>> AnalyzeBatchAsync(IReadOnlyList<RgbImage> images, FaceSelection selection = FaceSelection.All, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return RunAsync(images, i => Select(Detector.Detect(images[i], cancellationToken), selection, images[i], $"image {i + 1} of {images.Count}"), AnalysisLane.Requests, cancellationToken);
    }

    /// <summary>
    /// Aligns and embeds faces found before in this image (by <see cref="DetectAsync(RgbImage, FaceSelection, CancellationToken)"/>, or a tracker's choice of them), in
    /// their order: the way to embed only the faces that need it.
    /// </summary>
    public Task<IReadOnlyList<FaceRecord>> EmbedAsync(RgbImage image, IReadOnlyList<DetectedFace> faces, CancellationToken cancellationToken = default) =>
        EmbedAsync(image, faces, AnalysisLane.Requests, cancellationToken);

    /// <summary><see cref="EmbedAsync(RgbImage, IReadOnlyList{DetectedFace}, CancellationToken)"/> waiting in the given line.</summary>
    internal async Task<IReadOnlyList<FaceRecord>> EmbedAsync(RgbImage image, IReadOnlyList<DetectedFace> faces, AnalysisLane lane, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        return (await RunAsync([image], _ => faces, lane, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Analyses image files in batches of <paramref name="batchSize"/>, <see cref="PipelineOptions.Concurrency"/> batches
    /// at a time (decoding included), in the order of <paramref name="paths"/>: the way through a folder. A file that
    /// cannot be read or decoded comes back with its error and no faces. Stopping early waits for the batches under way.
    /// </summary>
    public IAsyncEnumerable<AnalyzedFile> AnalyzeFilesAsync(IReadOnlyList<string> paths, FaceSelection selection = FaceSelection.All, int batchSize = 16, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return new FileAnalysis(this, selection).InOrderAsync(paths, batchSize, cancellationToken);
    }

    /// <summary>
    /// The one face a photo is about: none is an error; several are an error under <see cref="FaceSelection.Single"/>,
    /// else the largest or the most central is taken. Only that face is aligned and embedded. <paramref name="photo"/>
    /// names the photo in errors.
    /// </summary>
    public async Task<FaceRecord> SingleFaceAsync(RgbImage image, FaceSelection selection = FaceSelection.Single, string photo = "the photo", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (selection == FaceSelection.All)
        {
            throw new ArgumentOutOfRangeException(nameof(selection), "One face is wanted: Single, Largest or MostCentral.");
        }

        var faces = await RunAsync([image], _ => Detector.Detect(image, cancellationToken) is { Count: > 0 } found
            ? Select(found, selection, image, photo)
            : throw new FaceSelectionException(photo, 0, $"{photo}: no face found (detector {(Detector as IModelInfo)?.Manifest.Name ?? Detector.GetType().Name})."), AnalysisLane.Requests, cancellationToken).ConfigureAwait(false);
        return faces[0][0];
    }

    /// <summary>1:1: the single faces of two photos compared against a threshold (default: <see cref="DefaultThreshold"/>).</summary>
    public async Task<VerificationResult> VerifyAsync(RgbImage first, RgbImage second, FaceSelection selection = FaceSelection.Single, SimilarityThreshold? threshold = null, CancellationToken cancellationToken = default)
    {
        threshold ??= DefaultThreshold;
        var a = await SingleFaceAsync(first, selection, "the first photo", cancellationToken).ConfigureAwait(false);
        var b = await SingleFaceAsync(second, selection, "the second photo", cancellationToken).ConfigureAwait(false);
        return new VerificationResult(Verification.Of(a.Embedding, b.Embedding, threshold), a, b);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _batcher?.Dispose();
        (Detector as IDisposable)?.Dispose();
        (Embedder as IDisposable)?.Dispose();
    }

    private static IReadOnlyList<DetectedFace> Select(IReadOnlyList<DetectedFace> found, FaceSelection selection, RgbImage image, string photo) =>
        selection == FaceSelection.Single && found.Count > 1
            ? throw new FaceSelectionException(photo, found.Count, $"{photo}: {found.Count} faces found where one was needed.")
            : FaceSelector.Apply(found, selection, image.Width, image.Height);

    private ValueTask<AnalysisGate.Slot> EnterAsync(AnalysisLane lane, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _gate.EnterAsync(lane, cancellationToken);
    }

    /// <summary>Inside one analysis slot: the faces of each image (<paramref name="find"/>, by image index), aligned and embedded.</summary>
    private async Task<IReadOnlyList<IReadOnlyList<FaceRecord>>> RunAsync(
        IReadOnlyList<RgbImage> images, Func<int, IReadOnlyList<DetectedFace>> find, AnalysisLane lane, CancellationToken cancellationToken)
    {
        var faces = new List<IReadOnlyList<DetectedFace>>(images.Count);
        List<AlignedFace> aligned;
        using (await EnterAsync(lane, cancellationToken).ConfigureAwait(false))
        {
            for (int i = 0; i < images.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                faces.Add(find(i));
            }

            aligned = Align(images, faces);
            if (_batcher is null)
            {
                return FaceRecord.Of(faces, aligned, aligned.Count == 0 ? [] : Embedder.Embed(aligned, cancellationToken));
            }
        }

        // Micro-batching: the faces wait for those of concurrent analyses outside the slot.
        return FaceRecord.Of(faces, aligned, aligned.Count == 0 ? [] : await _batcher.EmbedAsync(aligned, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Each face aligned to every template of the embedder, in order.</summary>
    private List<AlignedFace> Align(IReadOnlyList<RgbImage> images, List<IReadOnlyList<DetectedFace>> faces)
    {
        var aligned = new List<AlignedFace>();
        for (int i = 0; i < images.Count; i++)
        {
            aligned.AddRange(faces[i].Select(f => new AlignedFace([.. _aligners.Select(a => a.Align(images[i], f.Landmarks))])));
        }

        return aligned;
    }

    /// <summary>A folder's files, a batch per analysis slot side by side, yielded in order.</summary>
    private sealed class FileAnalysis(FacePipeline pipeline, FaceSelection selection)
    {
        public async IAsyncEnumerable<AnalyzedFile> InOrderAsync(IReadOnlyList<string> paths, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var underWay = new Queue<Task<AnalyzedFile[]>>();
            int next = 0;
            try
            {
                while (next < paths.Count || underWay.Count > 0)
                {
                    while (underWay.Count < pipeline.Options.Concurrency && next < paths.Count)
                    {
                        var chunk = new string[Math.Min(batchSize, paths.Count - next)];
                        for (int i = 0; i < chunk.Length; i++)
                        {
                            chunk[i] = paths[next++];
                        }

                        underWay.Enqueue(Task.Run(() => BatchAsync(chunk, cancellationToken), cancellationToken));
                    }

                    foreach (var file in await underWay.Dequeue().ConfigureAwait(false))
                    {
                        yield return file;
                    }
                }
            }
            finally
            {
                // Left early (a break, an error): no batch may still be using the pipeline when the caller disposes it.
                foreach (Task task in underWay)
                {
                    await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }

        private async Task<AnalyzedFile[]> BatchAsync(string[] paths, CancellationToken cancellationToken)
        {
            var images = new List<RgbImage>(paths.Length);
            var decoded = new List<int>(paths.Length);
            var files = new AnalyzedFile[paths.Length];
            for (int i = 0; i < paths.Length; i++)
            {
                try
                {
                    images.Add(pipeline.DecodeFile(paths[i]));
                    decoded.Add(i);
                }
                catch (ImageDecodeException e)
                {
                    files[i] = new AnalyzedFile(paths[i], [], e);
                }
            }

            var found = images.Count > 0 ? await pipeline.AnalyzeBatchAsync(images, selection, cancellationToken).ConfigureAwait(false) : [];
            for (int j = 0; j < decoded.Count; j++)
            {
                files[decoded[j]] = new AnalyzedFile(paths[decoded[j]], found[j], null);
            }

            return files;
        }
    }
}
