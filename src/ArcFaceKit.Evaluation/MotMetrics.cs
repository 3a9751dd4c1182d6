namespace ArcFaceKit.Evaluation;

/// <summary>
/// How well tracks follow the ground truth, by the standard definitions. CLEAR MOT: ground truth and hypotheses paired
/// per frame at IoU at least the threshold (0.5), a pair of the previous frame kept while it still qualifies;
/// MOTA = 1 - (misses + false positives + identity switches) / ground-truth boxes; MOTP is the mean IoU of the matches
/// (MOTChallenge's and TrackEval's convention; py-motmetrics reports 1 - this). Identity measures (Ristani et al.): one
/// best pairing of whole trajectories; IDF1 = 2 IDTP / (2 IDTP + IDFP + IDFN). HOTA (Luiten et al.): sqrt(DetA x AssA),
/// each averaged over IoU thresholds 0.05 to 0.95. Rates without anything to count are NaN.
/// </summary>
public sealed record MotMetrics(
    int Frames, int TruthBoxes, int HypothesisBoxes,
    int Matches, int FalsePositives, int Misses, int IdSwitches, double Motp,
    int IdTruePositives, int IdFalsePositives, int IdFalseNegatives,
    double Hota, double DetA, double AssA, double LocA)
{
    /// <summary>The IoU at or above which a hypothesis may match a ground-truth box (CLEAR MOT and identity measures).</summary>
    public const double DefaultIouThreshold = 0.5;

    public double Mota => TruthBoxes > 0 ? 1 - (double)(Misses + FalsePositives + IdSwitches) / TruthBoxes : double.NaN;

    public double Idf1 => Rate(2 * IdTruePositives, 2 * IdTruePositives + IdFalsePositives + IdFalseNegatives);

    public double Idp => Rate(IdTruePositives, IdTruePositives + IdFalsePositives);

    public double Idr => Rate(IdTruePositives, IdTruePositives + IdFalseNegatives);

    /// <summary>
    /// Measures <paramref name="hypotheses"/> (a tracker's boxes) against <paramref name="truth"/>, frame numbers and ids as
    /// in the MOTChallenge files; ground truth marked ignored (confidence 0) and the hypotheses on it are left out.
    /// </summary>
    public static MotMetrics Measure(IReadOnlyList<MotRow> truth, IReadOnlyList<MotRow> hypotheses, double iouThreshold = DefaultIouThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iouThreshold);
        var frames = MotFrame.Sequence(truth, hypotheses, iouThreshold);
        var clear = new ClearMotAccumulator();
        var identity = new IdentityAccumulator();
        foreach (var frame in frames)
        {
            var distances = frame.Distances(iouThreshold);
            clear.Add(frame.TruthIds, frame.HypothesisIds, distances);
            identity.Add(frame.TruthIds, frame.HypothesisIds, distances);
        }

        return From(frames.Count, clear, identity, HotaMeasure.Measure(frames));
    }

    /// <summary>
    /// The measures of several sequences together, as MOTChallenge reports a benchmark: counts summed (so MOTA and IDF1
    /// are over all boxes), MOTP weighted by matches; HOTA and its parts are the sequences' means weighted by their
    /// ground-truth boxes (TrackEval combines its per-threshold counts instead, which this record does not keep).
    /// </summary>
    public static MotMetrics Sum(IReadOnlyList<MotMetrics> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int matches = sequences.Sum(m => m.Matches), boxes = sequences.Sum(m => m.TruthBoxes);
        double Weighted(Func<MotMetrics, double> measure, Func<MotMetrics, int> weight, int total) =>
            total > 0 ? sequences.Where(m => weight(m) > 0).Sum(m => measure(m) * weight(m)) / total : double.NaN;
        return new MotMetrics(
            sequences.Sum(m => m.Frames), boxes, sequences.Sum(m => m.HypothesisBoxes),
            matches, sequences.Sum(m => m.FalsePositives), sequences.Sum(m => m.Misses), sequences.Sum(m => m.IdSwitches), Weighted(m => m.Motp, m => m.Matches, matches),
            sequences.Sum(m => m.IdTruePositives), sequences.Sum(m => m.IdFalsePositives), sequences.Sum(m => m.IdFalseNegatives),
            Weighted(m => m.Hota, m => m.TruthBoxes, boxes), Weighted(m => m.DetA, m => m.TruthBoxes, boxes), Weighted(m => m.AssA, m => m.TruthBoxes, boxes), Weighted(m => m.LocA, m => m.TruthBoxes, boxes));
    }

    /// <summary>The measures from their accumulated counts (tests feed py-motmetrics' distance examples this way).</summary>
    internal static MotMetrics From(int frames, ClearMotAccumulator clear, IdentityAccumulator identity, HotaScores hota)
    {
        int idTruePositives = identity.TruePositives();
        return new MotMetrics(
            frames, identity.TruthBoxes, identity.HypothesisBoxes,
            clear.Matches, clear.FalsePositives, clear.Misses, clear.Switches,
            clear.Matches > 0 ? 1 - clear.DistanceSum / clear.Matches : double.NaN,
            idTruePositives, identity.HypothesisBoxes - idTruePositives, identity.TruthBoxes - idTruePositives,
            hota.Hota, hota.DetA, hota.AssA, hota.LocA);
    }

    private static double Rate(int part, int whole) => whole > 0 ? (double)part / whole : double.NaN;
}
