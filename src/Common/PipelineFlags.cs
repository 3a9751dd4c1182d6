using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Flags;

/// <summary>
/// The model and pipeline flags of `arcface` and `arcface-server serve`, declared once: they make the library's
/// <see cref="FaceModels"/> and <see cref="PipelineOptions"/>, and unset ones keep its defaults. The file is compiled into
/// both programs, and each declares the base class of its own part: the parser reads flags from a settings class and
/// its base classes only, and `serve` needs the store flags it shares with the key commands as well as these.
/// </summary>
public partial class PipelineFlags
{
    [CommandOption("--detector <FILE>")]
    [Description("Detector model (.onnx with a manifest beside it or known by SHA-256, or a .manifest.json). Default: YuNet, shipped with the tool (no fetch needed).")]
    public string? Detector { get; init; }

    [CommandOption("--embedder <FILE>")]
    [Description("Embedder model (.onnx or .manifest.json); give it twice or more to fuse embedders (a model of its own: its own identity and thresholds). Default: the accurate one, the fusion of the three fetched embedders (faceplugin_fr_feature + dlib_resnet + mobilefacenet_tf); see --fast.")]
    public string[] Embedders { get; init; } = [];

    [CommandOption("--fast")]
    [Description("Use the fast default embedder, MobileFaceNet alone (fetched; about twice the images a second of the accurate fusion, LFW 99.20% against its 99.40%: docs/accuracy.md, docs/speed.md), instead of the accurate fusion.")]
    public bool Fast { get; init; }

    [CommandOption("--score <MIN>")]
    [Description("Minimum detection score 0..1. Default: the detector's own (see docs/accuracy.md).")]
    public float? Score { get; init; }

    [CommandOption("--nms <IOU>")]
    [Description("NMS IoU threshold. Default: the detector's own.")]
    public float? Nms { get; init; }

    [CommandOption("--min-face <PIXELS>")]
    [Description("Drop faces whose box is smaller than this on its short side.")]
    public float MinFace { get; init; }

    [CommandOption("--input-size <PIXELS>")]
    [Description("Detector input side for models of free size (YuNet dynamic, SCRFD). Default: the library's (see docs/accuracy.md).")]
    public int? InputSize { get; init; }

    /// <summary>The old name of <see cref="InputSize"/> (serve's), still read.</summary>
    [CommandOption("--detector-size <PIXELS>", IsHidden = true)]
    public int? DetectorSize { get; init; }

    [CommandOption("--max-upscale <FACTOR>")]
    [Description("Enlarge small images at most this much to reach --input-size. Default: the library's (see docs/accuracy.md).")]
    public float MaxUpscale { get; init; } = DetectorOptions.Default.MaxUpscale;

    [CommandOption("--max-faces <N>")]
    [Description("Most faces of one photo considered (the largest). Default 50 (see docs/server.md).")]
    public int MaxFaces { get; init; } = DetectorOptions.DefaultMaxFaces;

    [CommandOption("--flip")]
    [Description("Flip test: embedding of the crop plus its mirror image.")]
    public bool Flip { get; init; }

    [CommandOption("--threads <N>")]
    [Description("ONNX Runtime threads per model run. Default: the cores shared out among the analyses (one thread each at the default concurrency).")]
    public int Threads { get; init; }

    [CommandOption("--max-concurrency <N>")]
    [Description("Analyses running at once (the cores are shared out among them). Default: one per core, or cores / --threads.")]
    public int MaxConcurrency { get; init; }

    [CommandOption("--max-queue <N>")]
    [Description("Analyses that may wait for a slot; one more is refused (the server answers 503 with Retry-After). Default 64.")]
    public int MaxQueue { get; init; } = PipelineOptions.Default.MaxQueuedAnalyses;

    [CommandOption("--batch-wait-ms <MS>")]
    [Description("Micro-batching: faces of concurrent analyses wait up to this long to be embedded together. Default 0 (off); see docs/speed.md.")]
    public double BatchWaitMs { get; init; }

    [CommandOption("--max-pixels <N>")]
    [Description("Refuse images whose header declares more pixels than this, before decoding. Default 50,000,000.")]
    public long MaxPixels { get; init; } = PipelineOptions.Default.MaxPixels;

    public DetectorOptions Detection => new()
    {
        ScoreThreshold = Score,
        NmsThreshold = Nms,
        MinFaceSize = MinFace,
        InputSize = InputSize ?? DetectorSize ?? DetectorOptions.Default.InputSize,
        MaxUpscale = MaxUpscale,
        MaxFaces = MaxFaces,
    };

    /// <summary>The models these flags name; missing ones are the default set (the detector shipped, the embedders fetched).</summary>
    public FaceModels Models => new()
    {
        Detector = Detector ?? ModelStore.DefaultDetector(),
        Embedder = Fast
            ? (Embedders.Length == 0 ? ModelStore.FastEmbedder() : throw new ArgumentException("--fast picks a default embedder; give --fast or --embedder, not both."))
            : Embedders.FirstOrDefault() ?? ModelStore.DefaultEmbedder(),
        FuseWith = [.. Embedders.Skip(1)],
        Detection = Detection,
        Embedding = new EmbedderOptions { FlipTest = Flip },
    };

    /// <summary>
    /// The library's concurrency: one single-threaded analysis per core (a folder's batches run side by side), or with
    /// --threads N, cores / N analyses of N threads (<see cref="PipelineOptions.Concurrency"/>).
    /// </summary>
    public PipelineOptions Pipeline => new()
    {
        MaxConcurrentAnalyses = MaxConcurrency,
        IntraOpThreads = Threads,
        MaxQueuedAnalyses = MaxQueue,
        EmbeddingBatchWait = TimeSpan.FromMilliseconds(BatchWaitMs),
        MaxPixels = MaxPixels,
    };

    /// <summary>Old flag names still work, with one line on standard error that names the new one.</summary>
    public override ValidationResult Validate()
    {
        if (DetectorSize is not null)
        {
            if (InputSize is not null)
            {
                return ValidationResult.Error("--detector-size is the old name of --input-size: give one of them.");
            }

            Console.Error.WriteLine("warning: --detector-size is deprecated; use --input-size.");
        }

        return base.Validate();
    }
}
