using ArcFaceKit.Matching;

namespace ArcFaceKit.Evaluation;

/// <summary>One frame as the MOT measures see it: the ids present and the IoU of every ground-truth box with every hypothesis.</summary>
internal sealed record MotFrame(int Frame, int[] TruthIds, int[] HypothesisIds, double[,] Overlap)
{
    /// <summary>
    /// The frames from the first to the last of either list, empty ones included (a gap breaks CLEAR MOT's kept matches).
    /// Ignored ground truth drops out, and with it the hypotheses paired with it one to one at IoU at least
    /// <paramref name="threshold"/>, as TrackEval treats MOT17's distractors: following a half-hidden face is no error, nor is missing it.
    /// </summary>
    public static List<MotFrame> Sequence(IReadOnlyList<MotRow> truth, IReadOnlyList<MotRow> hypotheses, double threshold)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(hypotheses);
        var truthByFrame = truth.ToLookup(r => r.Frame);
        var hypothesesByFrame = hypotheses.ToLookup(r => r.Frame);
        var frames = new List<MotFrame>();
        if (truth.Count + hypotheses.Count == 0)
        {
            return frames;
        }

        int first = truth.Concat(hypotheses).Min(r => r.Frame), last = truth.Concat(hypotheses).Max(r => r.Frame);
        for (int frame = first; frame <= last; frame++)
        {
            var present = truthByFrame[frame].OrderBy(r => r.Id).ToList();
            var found = hypothesesByFrame[frame].OrderBy(r => r.Id).ToList();
            Unique(present, frame, "ground truth");
            Unique(found, frame, "hypotheses");
            var all = Overlaps(present, found);
            var ignoredPairs = LinearAssignment.Minimise(Allowed(all, threshold));
            var dropped = Enumerable.Range(0, present.Count).Where(i => present[i].Ignored && ignoredPairs[i] >= 0).Select(i => ignoredPairs[i]).ToHashSet();
            var kept = found.Where((_, j) => !dropped.Contains(j)).ToList();
            var counted = present.Where(r => !r.Ignored).ToList();
            frames.Add(new MotFrame(frame, [.. counted.Select(r => r.Id)], [.. kept.Select(r => r.Id)], Overlaps(counted, kept)));
        }

        return frames;
    }

    /// <summary>1 - IoU where the IoU is at least <paramref name="threshold"/>, NaN (no match) elsewhere.</summary>
    public double[,] Distances(double threshold) => Allowed(Overlap, threshold);

    private static double[,] Allowed(double[,] overlap, double threshold)
    {
        var distance = new double[overlap.GetLength(0), overlap.GetLength(1)];
        for (int i = 0; i < overlap.GetLength(0); i++)
        {
            for (int j = 0; j < overlap.GetLength(1); j++)
            {
                // IoU is computed in float: a hair of tolerance keeps a pair at exactly the threshold a match.
                distance[i, j] = overlap[i, j] >= threshold - 1e-6 ? 1 - overlap[i, j] : double.NaN;
            }
        }

        return distance;
    }

    private static double[,] Overlaps(List<MotRow> truth, List<MotRow> hypotheses)
    {
        var overlap = new double[truth.Count, hypotheses.Count];
        for (int i = 0; i < truth.Count; i++)
        {
            for (int j = 0; j < hypotheses.Count; j++)
            {
                overlap[i, j] = truth[i].Box.IoU(hypotheses[j].Box);
            }
        }

        return overlap;
    }

    private static void Unique(List<MotRow> rows, int frame, string what)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Id == rows[i - 1].Id)
            {
                throw new FormatException($"Frame {frame}: id {rows[i].Id} appears twice in the {what}.");
            }
        }
    }
}
