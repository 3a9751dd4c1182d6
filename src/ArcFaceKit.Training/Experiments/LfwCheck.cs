using ArcFaceKit.Evaluation;
using ArcFaceKit.Service;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Export;
using TorchSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// LFW verification of a backbone in training, through the pipeline's own evaluation (one protocol implementation):
/// the backbone is exported, read back by the library's face service, and run behind the given detector at the library's defaults.
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
            using var service = FaceService.Open(new FaceServiceOptions
            {
                Detector = detector,
                Embedder = model,
                MaxConcurrentAnalyses = 1,
            });
            return LfwEvaluation.Run(service, lfwImages, pairs).Report;
        }
        finally
        {
            backbone.train(training);
            Directory.Delete(dir, recursive: true);
        }
    }
}
