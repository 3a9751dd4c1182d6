using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Service;

/// <summary>Everything a <see cref="FaceService"/> is built from: the two models, their settings, limits and concurrency.</summary>
public sealed record FaceServiceOptions
{
    /// <summary>Detector model: an .onnx file with a manifest beside it or known by SHA-256, or a .manifest.json.</summary>
    public required string Detector { get; init; }

    /// <summary>Embedder model, as for <see cref="Detector"/>.</summary>
    public required string Embedder { get; init; }

    /// <summary>Further embedders fused with <see cref="Embedder"/> (<see cref="FusedFaceEmbedder"/>, in this order); empty: it alone.</summary>
    public IReadOnlyList<string> FuseWith { get; init; } = [];

    /// <summary>Score, NMS, minimum face size, input size and upscale limit of the detector.</summary>
    public DetectorOptions Detection { get; init; } = DetectorOptions.Default;

    /// <summary>Flip test and batch size of the embedder.</summary>
    public EmbedderOptions Embedding { get; init; } = EmbedderOptions.Default;

    /// <summary>Images whose header declares more pixels than this are refused before decoding.</summary>
    public long MaxPixels { get; init; } = DecodeOptions.DefaultMaxPixels;

    /// <summary>
    /// Budget of decoded pixels held at once by <see cref="FaceService.DecodeAsync"/>: 3 bytes each while held, up to 7
    /// while a PNG decodes. Decoding waits until a photo fits; at least twice <see cref="MaxPixels"/> (a verification
    /// holds two photos). Default <see cref="DefaultMaxDecodedPixels"/>; docs/server.md gives the measured memory ceiling.
    /// </summary>
    public long MaxDecodedPixels { get; init; } = DefaultMaxDecodedPixels;

    /// <summary>
    /// 100 megapixels: two photos of the largest default size. Measured with `bench decode-memory` (docs/server.md): 40 uploads of
    /// a 49 MP PNG at once raised the server by about 1.3 GB with it and by 5 to 8 GB with no budget (150 MP gained no speed).
    /// </summary>
    public const long DefaultMaxDecodedPixels = 100_000_000;

    /// <summary>
    /// Uploads of more pixels than this are decoded by <see cref="FaceService.DecodeAsync"/> at their codec's reduced
    /// scale where it has one (JPEG, WebP: 1/2, 1/4, 1/8), the least that fits. Default 16 MP (4,000 x 4,000): the
    /// detector sees a 640-pixel version of any photo, so detection is unchanged; faces are aligned from the reduced
    /// pixels, still over 112 pixels for any face a 640-pixel detector finds.
    /// </summary>
    public long MaxFullScalePixels { get; init; } = 16_000_000;

    /// <summary>
    /// Enrolment refuses a face whose <see cref="Quality.FaceQuality.ImageScore"/> is under this (blurred, tiny, turned
    /// or badly landmarked) with <see cref="PoorFaceException"/>; 0 (the default) refuses none. The image score, not
    /// the norm-based score, so one threshold holds for every embedder.
    /// </summary>
    public float MinEnrollImageQuality { get; init; }

    /// <summary>
    /// How many analyses (detect + align + embed of one request or batch) run at once; 0: the cores shared out among
    /// analyses of <see cref="IntraOpThreads"/> threads when that is given (cores / threads, at least 1), else
    /// <see cref="DefaultConcurrency"/>.
    /// </summary>
    public int MaxConcurrentAnalyses { get; init; }

    /// <summary>
    /// ONNX Runtime threads inside one model run; 0: the cores shared out among the concurrent analyses
    /// (cores / <see cref="MaxConcurrentAnalyses"/>, at least 1), so that full concurrency does not oversubscribe the cores.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Analyses that may wait for a slot; one more is refused with <see cref="ServiceBusyException"/>.</summary>
    public int MaxQueuedAnalyses { get; init; } = 64;

    /// <summary>
    /// Micro-batching: how long the faces of one analysis may wait for those of concurrent analyses, to be embedded in
    /// one model run (up to the embedder's batch size); zero (the default) embeds each analysis's faces at once, inside
    /// its slot. Measured with the load test (docs/speed.md: micro-batching): see there for when it pays.
    /// </summary>
    public TimeSpan EmbeddingBatchWait { get; init; }

    /// <summary>Run the models on CUDA (ONNX Runtime's GPU package in place of the CPU one; untested here).</summary>
    public bool UseCuda { get; init; }

    /// <summary>
    /// Concurrent analyses when none is given: one per core, each single-threaded. Measured with the server's load test
    /// on 2 cores (docs/server.md: load test): 99 requests/s at 1 client and 190 at 8, against 44 and 65 for one analysis on both cores.
    /// </summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount);

    /// <summary>The concurrency in force: <see cref="MaxConcurrentAnalyses"/>, or as many analyses of <see cref="IntraOpThreads"/> threads as the cores hold, or the default.</summary>
    public int Concurrency =>
        MaxConcurrentAnalyses > 0 ? MaxConcurrentAnalyses
        : IntraOpThreads > 0 ? Math.Max(1, Environment.ProcessorCount / IntraOpThreads)
        : DefaultConcurrency;

    /// <summary>The intra-op threads in force: <see cref="IntraOpThreads"/> or the cores shared out among the analyses.</summary>
    public int ThreadsPerAnalysis => IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, Environment.ProcessorCount / Concurrency);
}
