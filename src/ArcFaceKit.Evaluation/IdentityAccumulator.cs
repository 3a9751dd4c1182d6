using ArcFaceKit.Matching;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Ristani et al.'s identity measures (2016): every ground-truth trajectory is paired with at most one hypothesis
/// trajectory, once for the whole sequence, so as to cover the most frames; an identity true positive is a frame where a
/// pair's boxes are both present and close enough (a finite distance). Like py-motmetrics, any allowed pair counts, not
/// only CLEAR MOT's matches.
/// </summary>
internal sealed class IdentityAccumulator
{
    private readonly SortedDictionary<int, int> _truthFrames = [];
    private readonly SortedDictionary<int, int> _hypothesisFrames = [];
    private readonly Dictionary<(int Truth, int Hypothesis), int> _together = [];

    public void Add(int[] truthIds, int[] hypothesisIds, double[,] distances)
    {
        foreach (int id in truthIds)
        {
            _truthFrames[id] = _truthFrames.GetValueOrDefault(id) + 1;
        }

        foreach (int id in hypothesisIds)
        {
            _hypothesisFrames[id] = _hypothesisFrames.GetValueOrDefault(id) + 1;
        }

        for (int i = 0; i < truthIds.Length; i++)
        {
            for (int j = 0; j < hypothesisIds.Length; j++)
            {
                if (double.IsFinite(distances[i, j]))
                {
                    var pair = (truthIds[i], hypothesisIds[j]);
                    _together[pair] = _together.GetValueOrDefault(pair) + 1;
                }
            }
        }
    }

    public int TruthBoxes => _truthFrames.Values.Sum();

    public int HypothesisBoxes => _hypothesisFrames.Values.Sum();

    /// <summary>Frames covered by the best one-to-one pairing of trajectories.</summary>
    public int TruePositives()
    {
        var truth = _truthFrames.Keys.ToArray();
        var hypotheses = _hypothesisFrames.Keys.ToArray();
        var cost = new double[truth.Length, hypotheses.Length];
        for (int i = 0; i < truth.Length; i++)
        {
            for (int j = 0; j < hypotheses.Length; j++)
            {
                cost[i, j] = -_together.GetValueOrDefault((truth[i], hypotheses[j]));
            }
        }

        var pairs = LinearAssignment.Minimise(cost);
        return pairs.Select((j, i) => j >= 0 ? -(int)cost[i, j] : 0).Sum();
    }
}
