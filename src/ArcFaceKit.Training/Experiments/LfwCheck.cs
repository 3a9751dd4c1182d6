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
    public static async Task<VerificationReport> EvaluateAsync<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs, CancellationToken cancellationToken = default)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone =>
        (await RunAsync(backbone, detector, lfwImages, pairs, cancellationToken).ConfigureAwait(false)).Report;

    /// <summary>
    /// Verification as <see cref="EvaluateAsync"/> and, from the same embeddings, identification as `eval identify` runs it
    /// (one gallery photo a person with two or more, the others as probes, every person with one photo a distractor):
    /// the two columns of the seed's MegaFace table at LFW's scale.
    /// </summary>
    public static async Task<(VerificationReport Verification, IdentificationReport Identification)> EvaluateWithIdentificationAsync<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs, CancellationToken cancellationToken = default)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        var result = await RunAsync(backbone, detector, lfwImages, pairs, cancellationToken).ConfigureAwait(false);
        var photos = result.Embeddings.Keys.Order(StringComparer.Ordinal).Select(n => (n, LfwIdentification.PersonOf(n))).ToList();
        var identification = LfwIdentification.Run(result.Embeddings, photos, [photos.Count], galleryPhotos: 1, SubjectScorings.Default)[0];
        return (result.Report, identification);
    }

    private static async Task<LfwResult> RunAsync<TBackbone>(TBackbone backbone, string detector, string lfwImages, IReadOnlyList<LfwPair> pairs, CancellationToken cancellationToken)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-lfw-check-").FullName;
        bool training = backbone.training;
        try
        {
            string model = BackboneExporter.Export(backbone, dir, "snapshot", "LFW check");
            using var pipeline = FacePipeline.Open(new FaceModels { Detector = detector, Embedder = model }, new PipelineOptions { MaxConcurrentAnalyses = 1 });
            return await LfwEvaluation.RunAsync(pipeline, lfwImages, pairs, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            backbone.train(training);
            Directory.Delete(dir, recursive: true);
        }
    }
}
