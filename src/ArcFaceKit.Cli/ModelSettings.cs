using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Options every model-using command shares: they map onto the library's <see cref="FaceModels"/> and <see cref="PipelineOptions"/>; unset ones keep its defaults.</summary>
public class ModelSettings : CommandSettings
{
    [CommandOption("--detector <FILE>")]
    [Description("Detector model (.onnx with a manifest beside it or known by SHA-256, or a .manifest.json). Default: YuNet, shipped with the tool (no fetch needed).")]
    public string? Detector { get; init; }

    [CommandOption("--embedder <FILE>")]
    [Description("Embedder model (.onnx or .manifest.json); give it twice or more to fuse embedders (a model of its own: its own identity and thresholds). Default: the fusion of the two fetched embedders (faceplugin_fr_feature + dlib_resnet).")]
    public string[] Embedders { get; init; } = [];

    [CommandOption("--score <MIN>")]
    [Description("Minimum detection score 0..1 (default: the detector's own, see docs/accuracy.md).")]
    public float? Score { get; init; }

    [CommandOption("--nms <IOU>")]
    [Description("NMS IoU threshold (default: the detector's own).")]
    public float? Nms { get; init; }

    [CommandOption("--min-face <PIXELS>")]
    [Description("Drop faces whose box is smaller than this on its short side.")]
    public float MinFace { get; init; }

    [CommandOption("--input-size <PIXELS>")]
    [Description("Detector input side for models of free size (YuNet dynamic, SCRFD). Default: the library's (see docs/accuracy.md).")]
    public int? InputSize { get; init; }

    [CommandOption("--max-upscale <FACTOR>")]
    [Description("Enlarge small images at most this much to reach --input-size. Default: the library's (see docs/accuracy.md).")]
    public float? MaxUpscale { get; init; }

    [CommandOption("--flip")]
    [Description("Flip test: embedding of the crop plus its mirror image.")]
    public bool Flip { get; init; }

    [CommandOption("--threads <N>")]
    [Description("ONNX Runtime threads per model run (default: 1, with one analysis per core).")]
    public int Threads { get; init; }

    [CommandOption("--max-pixels <N>")]
    [Description("Refuse images whose header declares more pixels than this (default 50,000,000).")]
    public long MaxPixels { get; init; } = DecodeOptions.DefaultMaxPixels;

    [CommandOption("--json")]
    [Description("Write machine-readable JSON to standard output.")]
    public bool Json { get; init; }

    public DetectorOptions DetectionOptions => DetectorOptions.Default with
    {
        ScoreThreshold = Score,
        NmsThreshold = Nms,
        MinFaceSize = MinFace,
        InputSize = InputSize ?? DetectorOptions.Default.InputSize,
        MaxUpscale = MaxUpscale ?? DetectorOptions.Default.MaxUpscale,
    };

    /// <summary>The models these flags name.</summary>
    public FaceModels Models => new()
    {
        Detector = Detector ?? ModelStore.DefaultDetector(),
        Embedder = Embedders.FirstOrDefault() ?? ModelStore.DefaultEmbedder(),
        FuseWith = [.. Embedders.Skip(1)],
        Detection = DetectionOptions,
        Embedding = EmbedderOptions.Default with { FlipTest = Flip },
    };

    /// <summary>
    /// The library's concurrency: one single-threaded analysis per core (a folder's batches run side by side), or with
    /// --threads N, cores / N analyses of N threads (PipelineOptions.Concurrency).
    /// </summary>
    public PipelineOptions PipelineOptions => new() { MaxPixels = MaxPixels, IntraOpThreads = Threads };

    public FacePipeline OpenPipeline() => FacePipeline.Open(Models, PipelineOptions);

    /// <summary>The detector alone (detect, align), opened as the pipeline would open it.</summary>
    public FaceDetectorBase OpenDetector() =>
        FaceDetectors.Open(Detector ?? ModelStore.DefaultDetector(), DetectionOptions, new InferenceOptions { IntraOpThreads = Threads });

    public RgbImage Decode(string path) => ImageDecoder.DecodeFile(path, new DecodeOptions { MaxPixels = MaxPixels });
}
