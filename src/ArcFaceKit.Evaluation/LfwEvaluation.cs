using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>The outcome of an LFW run: the protocol report plus how images without a detected face were handled.</summary>
public sealed record LfwResult(VerificationReport Report, IReadOnlyList<float> Similarities, IReadOnlyList<string> ImagesWithoutFace, int PairsWithoutFace, int Images)
{
    /// <summary>Pairs decided wrongly at the best threshold over all pairs.</summary>
    public int WrongDecisions { get; init; }

    /// <summary>What rejecting the lowest-rated images does, ranked by the quality score and by the image score alone.</summary>
    public IReadOnlyList<QualityRanking> QualityRankings { get; init; } = [];

    /// <summary>Each image's embedding (null: no face), by its name in pairs.txt: for other protocols on the same pass.</summary>
    public IReadOnlyDictionary<string, float[]?> Embeddings { get; init; } = new Dictionary<string, float[]?>();
}

/// <summary>
/// One way of ranking the images by quality (no face ranks lowest): the protocol again without the pairs that hold one
/// of the lowest-rated 1% and 5% of the images, and how many of the wrong decisions hold one of the lowest 5%.
/// </summary>
public sealed record QualityRanking(string RankedBy, IReadOnlyList<QualityRejection> Rejections, int WrongWithLowestFivePercent);

/// <summary>LFW accuracy once the lowest-rated <see cref="Fraction"/> of the images is rejected.</summary>
public sealed record QualityRejection(double Fraction, int PairsKept, double Accuracy, double Std);

/// <summary>
/// Runs a pipeline over the images that LFW View 2 pairs use, one embedding per image (the face nearest the centre:
/// LFW frames are centred on their subject), and scores every one of the pairs. A pair with an image where no face
/// was found gets similarity -1: it is counted, as a "different people" decision.
/// </summary>
public static class LfwEvaluation
{
    public const float MissingFaceSimilarity = -1f;

    public static async Task<LfwResult> RunAsync(FacePipeline pipeline, string imagesDirectory, IReadOnlyList<LfwPair> pairs, IProgress<int>? progress = null, int batchSize = 16, CancellationToken cancellationToken = default)
    {
        var names = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct().ToList();
        var byPath = await ImageEmbeddings.ComputeRatedAsync(pipeline, [.. names.Select(n => Path.Combine(imagesDirectory, n))], progress, batchSize, cancellationToken).ConfigureAwait(false);
        var rated = names.ToDictionary(n => n, n => byPath[Path.Combine(imagesDirectory, n)]);
        var embeddings = rated.ToDictionary(kv => kv.Key, kv => kv.Value?.Embedding);

        var scores = pairs.Select(p => embeddings[p.Image1] is { } a && embeddings[p.Image2] is { } b
            ? CosineSimilarity.Between(a, b)
            : MissingFaceSimilarity).ToArray();
        var report = VerificationProtocol.Evaluate(scores, [.. pairs.Select(p => p.Same)], [.. pairs.Select(p => p.Fold)]);
        var missing = embeddings.Where(kv => kv.Value is null).Select(kv => kv.Key).Order().ToList();
        int missingPairs = pairs.Count(p => embeddings[p.Image1] is null || embeddings[p.Image2] is null);

        var wrong = Enumerable.Range(0, pairs.Count).Where(i => scores[i] >= report.BestThreshold != pairs[i].Same).ToList();
        QualityRanking Rank(string by, Func<Quality.FaceQuality, float> key)
        {
            // Lowest-rated first; an image without a face rates lowest of all.
            var ranked = names.OrderBy(n => rated[n] is { } r ? key(r.Quality) : float.NegativeInfinity).ThenBy(n => n, StringComparer.Ordinal).ToList();
            double[] fractions = [0.01, 0.05];
            var lowest = fractions.ToDictionary(f => f, f => ranked.Take((int)Math.Ceiling(f * ranked.Count)).ToHashSet());
            var rejections = new List<QualityRejection>();
            foreach (double fraction in fractions)
            {
                var rejected = lowest[fraction];
                var kept = Enumerable.Range(0, pairs.Count).Where(i => !rejected.Contains(pairs[i].Image1) && !rejected.Contains(pairs[i].Image2)).ToList();
                var subset = VerificationProtocol.Evaluate([.. kept.Select(i => scores[i])], [.. kept.Select(i => pairs[i].Same)], [.. kept.Select(i => pairs[i].Fold)]);
                rejections.Add(new QualityRejection(fraction, kept.Count, subset.MeanAccuracy, subset.StdAccuracy));
            }

            var lowestFive = lowest[0.05];
            return new QualityRanking(by, rejections, wrong.Count(i => lowestFive.Contains(pairs[i].Image1) || lowestFive.Contains(pairs[i].Image2)));
        }

        return new LfwResult(report, scores, missing, missingPairs, names.Count)
        {
            WrongDecisions = wrong.Count,
            QualityRankings = [Rank("quality score", q => q.Score), Rank("image score", q => q.ImageScore)],
            Embeddings = embeddings,
        };
    }
}
