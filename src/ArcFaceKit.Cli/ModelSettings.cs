using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Options every model-using command shares: which models, their thresholds, output format.</summary>
public class ModelSettings : CommandSettings
{
    [CommandOption("--detector <FILE>")]
    [Description("Detector model (.onnx with a manifest beside it or known by SHA-256, or a .manifest.json). Default: the fetched faceplugin detector.")]
    public string? Detector { get; init; }

    [CommandOption("--embedder <FILE>")]
    [Description("Embedder model (.onnx or .manifest.json). Default: the fetched faceplugin_fr_feature.")]
    public string? Embedder { get; init; }

    [CommandOption("--score <MIN>")]
    [Description("Minimum detection score 0..1 (default: the detector's own: YuNet 0.9, SCRFD 0.5, UltraFace 0.65).")]
    public float? Score { get; init; }

    [CommandOption("--nms <IOU>")]
    [Description("NMS IoU threshold (default: the detector's own).")]
    public float? Nms { get; init; }

    [CommandOption("--min-face <PIXELS>")]
    [Description("Drop faces whose box is smaller than this on its short side.")]
    public float MinFace { get; init; }

    [CommandOption("--input-size <PIXELS>")]
    [Description("Detector input side for models of free size (YuNet dynamic, SCRFD). Default 640.")]
    public int InputSize { get; init; } = 640;

    [CommandOption("--flip")]
    [Description("Flip test: embedding of the crop plus its mirror image.")]
    public bool Flip { get; init; }

    [CommandOption("--threads <N>")]
    [Description("ONNX Runtime threads per model run (0: all cores).")]
    public int Threads { get; init; }

    [CommandOption("--max-pixels <N>")]
    [Description("Refuse images whose header declares more pixels than this (default 50,000,000).")]
    public long MaxPixels { get; init; } = DecodeOptions.DefaultMaxPixels;

    [CommandOption("--json")]
    [Description("Write machine-readable JSON to standard output.")]
    public bool Json { get; init; }

    public DecodeOptions DecodeOptions => new() { MaxPixels = MaxPixels };

    public InferenceOptions Inference => new() { IntraOpThreads = Threads };

    public IFaceDetector OpenDetector(FaceSelection selection = FaceSelection.All) =>
        FaceDetectors.Open(Detector ?? ModelStore.DefaultDetector(), new DetectorOptions
        {
            ScoreThreshold = Score,
            NmsThreshold = Nms,
            MinFaceSize = MinFace,
            InputSize = InputSize,
            Selection = selection,
        }, Inference);

    public IFaceEmbedder OpenEmbedder() =>
        OnnxFaceEmbedder.Open(Embedder ?? ModelStore.DefaultEmbedder(), new EmbedderOptions { FlipTest = Flip }, Inference);

    public FacePipeline OpenPipeline(FaceSelection selection = FaceSelection.All)
    {
        var embedder = OpenEmbedder();
        try
        {
            return new FacePipeline(OpenDetector(selection), embedder);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    public RgbImage Decode(string path) => ImageDecoder.DecodeFile(path, DecodeOptions);
}
