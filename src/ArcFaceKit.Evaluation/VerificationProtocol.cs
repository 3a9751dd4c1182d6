namespace ArcFaceKit.Evaluation;

/// <summary>
/// The LFW 10-fold protocol (InsightFace eval/verification.py): for each fold, the threshold with the best
/// accuracy on the other nine folds is applied to it. Also TAR at a FAR, pooled over all pairs, and the ROC.
/// Decisions are "same" when cosine >= threshold. This is the project's one implementation of the protocol.
/// </summary>
public static class VerificationProtocol
{
    public static VerificationReport Evaluate(IReadOnlyList<float> similarities, IReadOnlyList<bool> same, IReadOnlyList<int> folds, double farTarget = 1e-3)
    {
        int n = similarities.Count;
        if (same.Count != n || folds.Count != n || n == 0)
        {
            throw new ArgumentException("Need one similarity, label and fold per pair.");
        }

        var foldIds = folds.Distinct().Order().ToArray();
        if (foldIds.Length < 2)
        {
            throw new ArgumentException("The protocol needs pairs from at least two folds: each fold's threshold is chosen on the others.");
        }

        var accuracies = new List<double>();
        var thresholds = new List<float>();
        foreach (int fold in foldIds)
        {
            var train = Enumerable.Range(0, n).Where(i => folds[i] != fold).ToArray();
            var test = Enumerable.Range(0, n).Where(i => folds[i] == fold).ToArray();
            var (t, _) = BestThreshold(train.Select(i => similarities[i]).ToArray(), train.Select(i => same[i]).ToArray());
            thresholds.Add(t);
            accuracies.Add(Accuracy(test.Select(i => similarities[i]).ToArray(), test.Select(i => same[i]).ToArray(), t));
        }

        var all = similarities.ToArray();
        var labels = same.ToArray();
        var (best, bestAccuracy) = BestThreshold(all, labels);
        var negatives = Enumerable.Range(0, n).Where(i => !labels[i]).Select(i => all[i]).OrderDescending().ToArray();
        var positives = Enumerable.Range(0, n).Where(i => labels[i]).Select(i => all[i]).ToArray();
        float farThreshold = FarThreshold(negatives, farTarget);
        return new VerificationReport
        {
            Pairs = n,
            FoldAccuracies = accuracies,
            FoldThresholds = thresholds,
            BestThreshold = best,
            BestThresholdAccuracy = bestAccuracy,
            FarTarget = farTarget,
            FarThreshold = farThreshold,
            TarAtFar = Rate(positives, farThreshold),
            FarAchieved = Rate(negatives, farThreshold),
            Roc = Roc(positives, negatives),
        };
    }

    /// <summary>The threshold with the highest accuracy: midpoints between consecutive sorted scores are the only distinct choices.</summary>
    public static (float Threshold, double Accuracy) BestThreshold(float[] scores, bool[] same)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        int positives = same.Count(s => s);

        // Threshold below everything: all accepted, correct = positives.
        int correct = positives, bestCorrect = positives;
        float bestThreshold = scores[order[0]] - 1e-4f;
        for (int r = 0; r < order.Length; r++)
        {
            // Raise the threshold past order[r]: that pair becomes rejected.
            correct += same[order[r]] ? -1 : 1;
            bool tieAhead = r + 1 < order.Length && scores[order[r + 1]] == scores[order[r]];
            if (!tieAhead && correct > bestCorrect)
            {
                bestCorrect = correct;
                bestThreshold = r + 1 < order.Length ? (scores[order[r]] + scores[order[r + 1]]) / 2 : scores[order[r]] + 1e-4f;
            }
        }

        return (bestThreshold, (double)bestCorrect / scores.Length);
    }

    public static double Accuracy(float[] scores, bool[] same, float threshold) =>
        (double)scores.Where((s, i) => (s >= threshold) == same[i]).Count() / scores.Length;

    /// <summary>The lowest threshold that accepts at most floor(target * N) negatives (midway to the next one down).</summary>
    private static float FarThreshold(float[] negativesDescending, double target)
    {
        int allowed = (int)Math.Floor(target * negativesDescending.Length);
        if (allowed >= negativesDescending.Length)
        {
            return negativesDescending[^1];
        }

        float above = allowed == 0 ? negativesDescending[0] + 2e-4f : negativesDescending[allowed - 1];
        float reject = negativesDescending[allowed];
        return reject == above ? MathF.BitIncrement(reject) : (reject + above) / 2;
    }

    private static double Rate(float[] scores, float threshold) => (double)scores.Count(s => s >= threshold) / scores.Length;

    private static List<RocPoint> Roc(float[] positives, float[] negatives)
    {
        var points = new List<RocPoint>();
        var thresholds = negatives.Concat(positives).Distinct().OrderDescending().ToArray();
        var posSorted = positives.OrderDescending().ToArray();
        var negSorted = negatives.OrderDescending().ToArray();
        int p = 0, q = 0;
        foreach (float t in thresholds)
        {
            while (p < posSorted.Length && posSorted[p] >= t)
            {
                p++;
            }

            while (q < negSorted.Length && negSorted[q] >= t)
            {
                q++;
            }

            points.Add(new RocPoint(t, (double)q / negSorted.Length, (double)p / posSorted.Length));
        }

        return points;
    }
}
