using ArcFaceKit.Evaluation;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Export;
using TorchSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// LFW verification of a backbone in training, through the pipeline's own evaluation (one protocol implementation):
/// the backbone is exported, read back by the library's pipeline, and run behind the given detector at the library's defaults.
/// </summary>
public static class LfwCheck
{
    public static VerificationReport Evaluate<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone =>
        Run(backbone, detector, lfwImages, pairs).Report;

    /// <summary>
    /// Verification as <see cref="Evaluate"/> and, from the same embeddings, identification as `eval identify` runs it
    /// (one gallery photo a person with two or more, the others as probes, every person with one photo a distractor):
    /// the two columns of the seed's MegaFace table at LFW's scale.
    /// </summary>
    public static (VerificationReport Verification, IdentificationReport Identification) EvaluateWithIdentification<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        var result = Run(backbone, detector, lfwImages, pairs);
        var photos = result.Embeddings.Keys.Order(StringComparer.Ordinal).Select(n => (n, LfwIdentification.PersonOf(n))).ToList();
        var identification = LfwIdentification.Run(result.Embeddings, photos, [photos.Count], galleryPhotos: 1, SubjectScorings.Default)[0];
        return (result.Report, identification);
    }

    private static LfwResult Run<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-lfw-check-").FullName;
        bool training = backbone.training;
        try
        {
            string model = BackboneExporter.Export(backbone, dir, "snapshot", "LFW check");
            using var pipeline = FacePipeline.Open(new FaceModels { Detector = detector, Embedder = model }, new PipelineOptions { MaxConcurrentAnalyses = 1 });

            // Between training steps on the trainer's own thread (no synchronisation context to deadlock on).
            return LfwEvaluation.RunAsync(pipeline, lfwImages, pairs).GetAwaiter().GetResult();
        }
        finally
        {
            backbone.train(training);
            Directory.Delete(dir, recursive: true);
        }
    }
}
