using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>The outcome of an LFW run: the protocol report plus how images without a detected face were handled.</summary>
public sealed record LfwResult(VerificationReport Report, IReadOnlyList<float> Similarities, IReadOnlyList<string> ImagesWithoutFace, int PairsWithoutFace, int Images);

/// <summary>
/// Runs a pipeline over the images that LFW View 2 pairs use, one embedding per image (the face nearest the centre:
/// LFW frames are centred on their subject), and scores every one of the pairs. A pair with an image where no face
/// was found gets similarity -1: it is counted, as a "different people" decision.
/// </summary>
public static class LfwEvaluation
{
    public const float MissingFaceSimilarity = -1f;

    public static LfwResult Run(FacePipeline pipeline, string imagesDirectory, IReadOnlyList<LfwPair> pairs, IProgress<int>? progress = null, int batchSize = 16)
    {
        var names = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct().ToList();
        var embeddings = new Dictionary<string, float[]?>();
        for (int start = 0; start < names.Count; start += batchSize)
        {
            var chunk = names.Skip(start).Take(batchSize).ToList();
            var images = chunk.Select(n => ImageDecoder.DecodeFile(Path.Combine(imagesDirectory, n))).ToList();
            var results = pipeline.AnalyzeBatch(images);
            for (int i = 0; i < chunk.Count; i++)
            {
                embeddings[chunk[i]] = results[i].Count > 0 ? results[i][0].Embedding : null;
            }

            progress?.Report(Math.Min(start + batchSize, names.Count));
        }

        var scores = pairs.Select(p => embeddings[p.Image1] is { } a && embeddings[p.Image2] is { } b
            ? CosineSimilarity.Between(a, b)
            : MissingFaceSimilarity).ToArray();
        var report = VerificationProtocol.Evaluate(scores, [.. pairs.Select(p => p.Same)], [.. pairs.Select(p => p.Fold)]);
        var missing = embeddings.Where(kv => kv.Value is null).Select(kv => kv.Key).Order().ToList();
        int missingPairs = pairs.Count(p => embeddings[p.Image1] is null || embeddings[p.Image2] is null);
        return new LfwResult(report, scores, missing, missingPairs, names.Count);
    }
}
