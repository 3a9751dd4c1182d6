using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Flags;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Options every model-using command shares: the model and pipeline flags (the server's too) and JSON output.</summary>
public class ModelSettings : PipelineFlags
{
    [CommandOption("--json")]
    [Description("Write machine-readable JSON to standard output.")]
    public bool Json { get; init; }

    public FacePipeline OpenPipeline() => FacePipeline.Open(Models, Pipeline);

    /// <summary>The detector alone (detect, align), opened as the pipeline would open it.</summary>
    public FaceDetectorBase OpenDetector() =>
        FaceDetectors.Open(Detector ?? ModelStore.DefaultDetector(), Detection, new InferenceOptions { IntraOpThreads = Threads });

    public RgbImage Decode(string path) => ImageDecoder.DecodeFile(path, new DecodeOptions { MaxPixels = MaxPixels });
}
