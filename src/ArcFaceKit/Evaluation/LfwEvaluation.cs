using ArcFaceKit.Matching;
using ArcFaceKit.Service;

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

    public static LfwResult Run(FaceService service, string imagesDirectory, IReadOnlyList<LfwPair> pairs, IProgress<int>? progress = null, int batchSize = 16)
    {
        var names = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct().ToList();
        var byPath = ImageEmbeddings.Compute(service, [.. names.Select(n => Path.Combine(imagesDirectory, n))], progress, batchSize);
        var embeddings = names.ToDictionary(n => n, n => byPath[Path.Combine(imagesDirectory, n)]);

        var scores = pairs.Select(p => embeddings[p.Image1] is { } a && embeddings[p.Image2] is { } b
            ? CosineSimilarity.Between(a, b)
            : MissingFaceSimilarity).ToArray();
        var report = VerificationProtocol.Evaluate(scores, [.. pairs.Select(p => p.Same)], [.. pairs.Select(p => p.Fold)]);
        var missing = embeddings.Where(kv => kv.Value is null).Select(kv => kv.Key).Order().ToList();
        int missingPairs = pairs.Count(p => embeddings[p.Image1] is null || embeddings[p.Image2] is null);
        return new LfwResult(report, scores, missing, missingPairs, names.Count);
    }
}
