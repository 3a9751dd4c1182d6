using ArcFaceKit.Matching;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Higher Order Tracking Accuracy (Luiten et al. 2021), computed as TrackEval's HOTA does: per frame, pairs are chosen
/// by IoU weighted with how well the two trajectories align over the whole sequence; at each threshold alpha the pairs
/// with IoU at least alpha are true positives. DetA = TP / (TP + FN + FP); AssA averages, over true positives, the share
/// of their two trajectories that is matched together; HOTA = sqrt(DetA x AssA).
/// </summary>
internal static class HotaMeasure
{
    private const int Thresholds = 19;
    private const double Tolerance = 1e-6;

    public static HotaScores Measure(IReadOnlyList<MotFrame> frames)
    {
        var truth = Index(frames.SelectMany(f => f.TruthIds));
        var hypotheses = Index(frames.SelectMany(f => f.HypothesisIds));
        var alignment = Alignment(frames, truth, hypotheses);

        var truePositives = new double[Thresholds];
        var falseNegatives = new double[Thresholds];
        var falsePositives = new double[Thresholds];
        var overlapSum = new double[Thresholds];
        var matched = Enumerable.Range(0, Thresholds).Select(_ => new double[truth.Count, hypotheses.Count]).ToArray();
        foreach (var frame in frames)
        {
            int rows = frame.TruthIds.Length, columns = frame.HypothesisIds.Length;
            var score = new double[rows, columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    // The greatest total weighted IoU, as TrackEval chooses; pairs that do not overlap fail every threshold below.
                    score[i, j] = -alignment[truth[frame.TruthIds[i]], hypotheses[frame.HypothesisIds[j]]] * frame.Overlap[i, j];
                }
            }

            var pairs = LinearAssignment.Minimise(score);
            for (int a = 0; a < Thresholds; a++)
            {
                double alpha = Alpha(a);
                int hits = 0;
                for (int i = 0; i < rows; i++)
                {
                    int j = pairs[i];
                    if (j >= 0 && frame.Overlap[i, j] >= alpha - Tolerance)
                    {
                        hits++;
                        overlapSum[a] += frame.Overlap[i, j];
                        matched[a][truth[frame.TruthIds[i]], hypotheses[frame.HypothesisIds[j]]]++;
                    }
                }

                truePositives[a] += hits;
                falseNegatives[a] += rows - hits;
                falsePositives[a] += columns - hits;
            }
        }

        var truthLength = Lengths(frames.SelectMany(f => f.TruthIds), truth);
        var hypothesisLength = Lengths(frames.SelectMany(f => f.HypothesisIds), hypotheses);
        double hota = 0, detA = 0, assA = 0, locA = 0;
        for (int a = 0; a < Thresholds; a++)
        {
            double association = 0;
            for (int i = 0; i < truth.Count; i++)
            {
                for (int j = 0; j < hypotheses.Count; j++)
                {
                    double together = matched[a][i, j];
                    association += together * together / Math.Max(1, truthLength[i] + hypothesisLength[j] - together);
                }
            }

            double ass = association / Math.Max(1, truePositives[a]);
            double det = truePositives[a] / Math.Max(1, truePositives[a] + falseNegatives[a] + falsePositives[a]);
            hota += Math.Sqrt(det * ass);
            detA += det;
            assA += ass;
            locA += Math.Max(1e-10, overlapSum[a]) / Math.Max(1e-10, truePositives[a]);
        }

        return new HotaScores(hota / Thresholds, detA / Thresholds, assA / Thresholds, locA / Thresholds);
    }

    private static double Alpha(int index) => 0.05 * (index + 1);

    /// <summary>
    /// How well each pair of trajectories aligns over the sequence: the IoU-like share of frames they overlap in, each frame
    /// counting the pair's IoU relative to the other boxes either overlaps with (TrackEval's global alignment score).
    /// </summary>
    private static double[,] Alignment(IReadOnlyList<MotFrame> frames, Dictionary<int, int> truth, Dictionary<int, int> hypotheses)
    {
        var potential = new double[truth.Count, hypotheses.Count];
        foreach (var frame in frames)
        {
            int rows = frame.TruthIds.Length, columns = frame.HypothesisIds.Length;
            var rowSum = new double[rows];
            var columnSum = new double[columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    rowSum[i] += frame.Overlap[i, j];
                    columnSum[j] += frame.Overlap[i, j];
                }
            }

            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double denominator = rowSum[i] + columnSum[j] - frame.Overlap[i, j];
                    if (denominator > double.Epsilon)
                    {
                        potential[truth[frame.TruthIds[i]], hypotheses[frame.HypothesisIds[j]]] += frame.Overlap[i, j] / denominator;
                    }
                }
            }
        }

        var truthLength = Lengths(frames.SelectMany(f => f.TruthIds), truth);
        var hypothesisLength = Lengths(frames.SelectMany(f => f.HypothesisIds), hypotheses);
        for (int i = 0; i < truth.Count; i++)
        {
            for (int j = 0; j < hypotheses.Count; j++)
            {
                potential[i, j] /= truthLength[i] + hypothesisLength[j] - potential[i, j];
            }
        }

        return potential;
    }

    /// <summary>Dense indexes for ids, in id order.</summary>
    private static Dictionary<int, int> Index(IEnumerable<int> ids) =>
        ids.Distinct().Order().Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);

    private static double[] Lengths(IEnumerable<int> ids, Dictionary<int, int> index)
    {
        var length = new double[index.Count];
        foreach (int id in ids)
        {
            length[index[id]]++;
        }

        return length;
    }
}
