using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Export;
using TorchSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// LFW verification of a backbone in training, through the pipeline's own evaluation (one protocol implementation):
/// the backbone is exported, read back by the ONNX embedder, and run behind YuNet-style detection at 320.
/// </summary>
public static class LfwCheck
{
    public static VerificationReport Evaluate<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-lfw-check-").FullName;
        bool training = backbone.training;
        try
        {
            string model = BackboneExporter.Export(backbone, dir, "snapshot", "LFW check");
            using var pipeline = new FacePipeline(
                FaceDetectors.Open(detector, new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f, Selection = FaceSelection.MostCentral }),
                OnnxFaceEmbedder.Open(model));
            return LfwEvaluation.Run(pipeline, lfwImages, pairs).Report;
        }
        finally
        {
            backbone.train(training);
            Directory.Delete(dir, recursive: true);
        }
    }
}
