using ArcFaceKit.Matching;

namespace ArcFaceKit.Evaluation;

/// <summary>Which ground-truth person each track follows: the one it is paired with on the most frames (per frame one to one at IoU at least 0.5).</summary>
internal static class TrackFollowing
{
    /// <summary>Each track's person, or null for a track that follows nobody; ties go to the lower ground-truth id.</summary>
    public static Dictionary<int, int?> Measure(IReadOnlyList<MotRow> truth, IReadOnlyList<MotRow> tracks)
    {
        var together = new Dictionary<(int Track, int Truth), int>();
        foreach (var frame in MotFrame.Sequence(truth, tracks, MotMetrics.DefaultIouThreshold))
        {
            var pairs = LinearAssignment.Minimise(frame.Distances(MotMetrics.DefaultIouThreshold));
            for (int i = 0; i < pairs.Length; i++)
            {
                if (pairs[i] >= 0)
                {
                    var key = (frame.HypothesisIds[pairs[i]], frame.TruthIds[i]);
                    together[key] = together.GetValueOrDefault(key) + 1;
                }
            }
        }

        return tracks.Select(r => r.Id).Distinct().ToDictionary(
            track => track,
            track => together.Where(p => p.Key.Track == track).OrderByDescending(p => p.Value).ThenBy(p => p.Key.Truth).Select(p => (int?)p.Key.Truth).FirstOrDefault());
    }
}
