namespace ArcFaceKit.Evaluation;

/// <summary>
/// How well predicted people match the true ones, noise counted as one-face people. Pairwise: over pairs of faces put
/// together (precision) or belonging together (recall). BCubed: per face, the share of its cluster that is its person
/// (precision) and of its person that is in its cluster (recall), averaged over faces.
/// </summary>
public sealed record ClusterMetrics(
    double PairwisePrecision, double PairwiseRecall, double BCubedPrecision, double BCubedRecall,
    int Clusters, int People, int Faces, double NoiseShare)
{
    public double PairwiseF1 => F1(PairwisePrecision, PairwiseRecall);

    public double BCubedF1 => F1(BCubedPrecision, BCubedRecall);

    /// <summary><paramref name="predicted"/>: each face's cluster, -1 for noise; <paramref name="truth"/>: each face's person.</summary>
    public static ClusterMetrics Measure(IReadOnlyList<int> predicted, IReadOnlyList<string> truth)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Count != truth.Count)
        {
            throw new ArgumentException($"{predicted.Count} predictions for {truth.Count} labels.", nameof(predicted));
        }

        int n = predicted.Count;

        // Noise faces become clusters of their own, numbered past the real ones.
        int spare = predicted.Count == 0 ? 0 : predicted.Max() + 1;
        var cluster = predicted.Select(p => p >= 0 ? p : spare++).ToArray();
        var clusterSize = cluster.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        var personSize = truth.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var overlap = Enumerable.Range(0, n).GroupBy(i => (cluster[i], truth[i])).ToDictionary(g => g.Key, g => g.Count());

        static double Pairs(int k) => k * (k - 1) / 2.0;
        double together = overlap.Values.Sum(Pairs), predictedPairs = clusterSize.Values.Sum(Pairs), truePairs = personSize.Values.Sum(Pairs);
        double bp = 0, br = 0;
        for (int i = 0; i < n; i++)
        {
            int both = overlap[(cluster[i], truth[i])];
            bp += both / (double)clusterSize[cluster[i]];
            br += both / (double)personSize[truth[i]];
        }

        return new ClusterMetrics(
            predictedPairs > 0 ? together / predictedPairs : 1, truePairs > 0 ? together / truePairs : 1,
            n > 0 ? bp / n : 1, n > 0 ? br / n : 1,
            predicted.Where(p => p >= 0).Distinct().Count(), personSize.Count, n,
            n > 0 ? predicted.Count(p => p < 0) / (double)n : 0);
    }

    private static double F1(double p, double r) => p + r > 0 ? 2 * p * r / (p + r) : 0;
}
