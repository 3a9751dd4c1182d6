using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Tests;

/// <summary>
/// MOT measures on worked examples with known answers: py-motmetrics' hand examples (motmetrics/tests/test_metrics.py,
/// distances with NaN for "no match"), and box sequences computed by hand in the comments (CLEAR MOT, IDF1, HOTA).
/// </summary>
public class MotMetricsTests
{
    private const double No = double.NaN;

    [Fact]
    public void Py_motmetrics_mota_motp_example_a_kept_match_beats_a_better_new_one()
    {
        // test_mota_motp: 4 matches + 2 switches, 2 FP, 2 misses over 8 objects; MOTP 11.1 / 6 in distance.
        var metrics = FromDistances(
            ([], [1, 2], new double[0, 2]),
            ([1, 2], [], new double[2, 0]),
            ([1, 2], [1, 2], new[,] { { 1, 0.5 }, { 0.3, 1 } }),
            ([1, 2], [1, 2], new[,] { { 0.2, No }, { No, 0.1 } }),
            ([1, 2], [1, 2], new[,] { { 5, 1 }, { 1, 5.0 } }),
            ([], [], new double[0, 0]));
        Assert.Equal((6, 2, 2, 2, 8), (metrics.Matches, metrics.FalsePositives, metrics.Misses, metrics.IdSwitches, metrics.TruthBoxes));
        Assert.Equal(1 - (2 + 2 + 2) / 8.0, metrics.Mota, 12);
        Assert.Equal(1 - 11.1 / 6, metrics.Motp, 12);

        // test_extract_counts on the same events: pairs (1,1) 3, (1,2) 2, (2,1) 2, (2,2) 3 frames; 4 frames of each id.
        // Best pairing 1-1 and 2-2: IDTP 6, IDFP 8 - 6, IDFN 8 - 6, so IDF1 = IDP = IDR = 0.75.
        Assert.Equal((6, 2, 2), (metrics.IdTruePositives, metrics.IdFalsePositives, metrics.IdFalseNegatives));
        Assert.Equal(0.75, metrics.Idf1, 12);
    }

    [Fact]
    public void Py_motmetrics_ids_example_counts_switches_against_the_last_match()
    {
        // test_ids: 10 matches of which 3 switches, no FP or miss; MOTA 0.7, MOTP 1.6 / 10 in distance.
        var metrics = FromDistances(
            ([], [], new double[0, 0]),
            ([1, 2], [1, 2], new[,] { { 1, 0 }, { 0, 1.0 } }),
            ([1, 2], [1, 2], new[,] { { 0.4, No }, { No, 0.4 } }),
            ([1, 2], [1, 2], new[,] { { 0, 1 }, { 1, 0.0 } }),
            ([1, 2], [2, 3], new[,] { { 1, 0 }, { 0.4, 0.7 } }),
            ([1, 3], [2, 3], new[,] { { 1, 0 }, { 0.4, 0.7 } }),
            ([], [], new double[0, 0]));
        Assert.Equal((10, 0, 0, 3), (metrics.Matches, metrics.FalsePositives, metrics.Misses, metrics.IdSwitches));
        Assert.Equal(0.7, metrics.Mota, 12);
        Assert.Equal(1 - 1.6 / 10, metrics.Motp, 12);
    }

    [Fact]
    public void Py_motmetrics_correct_average_and_empty_sides()
    {
        // test_correct_average (figure 3 of "Evaluating MOT Performance"): 16 misses, then 4 matches; MOTA 0.2.
        var misses = Enumerable.Repeat<(int[], int[], double[,])>(([1, 2, 3, 4], [], new double[4, 0]), 4);
        var tracked = Enumerable.Repeat<(int[], int[], double[,])>(([4], [4], new double[1, 1]), 4);
        Assert.Equal(0.2, FromDistances([.. misses, .. tracked]).Mota, 12);

        // test_assignment_metrics_with_empty_groundtruth / _predictions: 16 FP (and IDFP) or 16 misses (and IDFN).
        var onlyHypotheses = FromDistances([.. Enumerable.Repeat<(int[], int[], double[,])>(([], [1, 2, 3, 4], new double[0, 4]), 4)]);
        Assert.Equal((0, 16, 0, 0, 16, 0), (onlyHypotheses.Matches, onlyHypotheses.FalsePositives, onlyHypotheses.Misses,
            onlyHypotheses.IdTruePositives, onlyHypotheses.IdFalsePositives, onlyHypotheses.IdFalseNegatives));
        Assert.True(double.IsNaN(onlyHypotheses.Mota));
        var onlyTruth = FromDistances([.. misses]);
        Assert.Equal((0, 0, 16, 0, 0, 16), (onlyTruth.Matches, onlyTruth.FalsePositives, onlyTruth.Misses,
            onlyTruth.IdTruePositives, onlyTruth.IdFalsePositives, onlyTruth.IdFalseNegatives));
    }

    [Fact]
    public void Boxes_worked_by_hand_give_clear_and_identity_measures()
    {
        // 10x10 boxes. Frame 1: 1-a IoU 1, 2-b IoU 80/120. Frame 2: a and b swap places: 1-b, 2-a, two switches.
        // Frame 3: only truth 1, with b at IoU 50/150 < 0.5: a miss and a false positive. Frame 4: 1-b IoU 90/110
        // (b is 1's last match: no switch, though frame 3 matched nothing), 2-a, and c far away: a false positive.
        // CLEAR: 7 truth boxes, 6 matches, 1 miss, 2 FP, 2 switches: MOTA 1 - 5/7; MOTP (4 + 2/3 + 9/11) / 6 = 181/198.
        // Identity: pairs 1-a 1 frame, 1-b 2, 2-b 1, 2-a 2; best 1-b + 2-a = 4 = IDTP; 8 hypothesis and 7 truth boxes.
        MotRow[] truth = [Row(1, 1, 0, 0), Row(1, 2, 50, 0), Row(2, 1, 0, 0), Row(2, 2, 50, 0), Row(3, 1, 0, 0), Row(4, 1, 0, 0), Row(4, 2, 50, 0)];
        MotRow[] tracks = [Row(1, 10, 0, 0), Row(1, 11, 52, 0), Row(2, 10, 50, 0), Row(2, 11, 0, 0), Row(3, 11, 5, 0),
            Row(4, 10, 50, 0), Row(4, 11, 0, 1), Row(4, 12, 100, 100)];
        var metrics = MotMetrics.Measure(truth, tracks);
        Assert.Equal((4, 7, 8), (metrics.Frames, metrics.TruthBoxes, metrics.HypothesisBoxes));
        Assert.Equal((6, 1, 2, 2), (metrics.Matches, metrics.Misses, metrics.FalsePositives, metrics.IdSwitches));
        Assert.Equal(2.0 / 7, metrics.Mota, 6);
        Assert.Equal(181.0 / 198, metrics.Motp, 6);
        Assert.Equal((4, 4, 3), (metrics.IdTruePositives, metrics.IdFalsePositives, metrics.IdFalseNegatives));
        Assert.Equal(8.0 / 15, metrics.Idf1, 12);
        Assert.Equal(0.5, metrics.Idp, 12);
        Assert.Equal(4.0 / 7, metrics.Idr, 12);
    }

    [Fact]
    public void Hota_halves_association_for_a_track_broken_in_two()
    {
        // One face for 4 frames, followed exactly by track 10 then track 11 (Luiten et al.'s fragmentation case):
        // DetA 1; each true positive's track shares 2 of the 4 + 2 - 2 frames: AssA 0.5, HOTA sqrt(0.5).
        // CLEAR: one switch, MOTA 0.75; identity: IDTP 2 of 4 and 4: IDF1 0.5.
        MotRow[] truth = [Row(1, 1, 0, 0), Row(2, 1, 0, 0), Row(3, 1, 0, 0), Row(4, 1, 0, 0)];
        MotRow[] tracks = [Row(1, 10, 0, 0), Row(2, 10, 0, 0), Row(3, 11, 0, 0), Row(4, 11, 0, 0)];
        var metrics = MotMetrics.Measure(truth, tracks);
        Assert.Equal(1, metrics.DetA, 12);
        Assert.Equal(0.5, metrics.AssA, 12);
        Assert.Equal(Math.Sqrt(0.5), metrics.Hota, 12);
        Assert.Equal(1, metrics.IdSwitches);
        Assert.Equal(0.75, metrics.Mota, 12);
        Assert.Equal(0.5, metrics.Idf1, 12);
    }

    [Fact]
    public void Hota_averages_over_the_iou_thresholds()
    {
        // A 10x10 face and a 10x7.5 box inside it on 2 frames: IoU 0.75, a match at the 15 thresholds 0.05..0.75 (HOTA 1
        // there) and none at the 4 above (HOTA 0): HOTA = DetA = AssA = 15/19. LocA is TrackEval's: 0.75 where matched, and
        // 1 (1e-10 / 1e-10) where nothing is: (15 x 0.75 + 4) / 19.
        MotRow[] truth = [Row(1, 1, 0, 0), Row(2, 1, 0, 0)];
        MotRow[] tracks = [new(1, 7, new FaceBox(0, 0, 10, 7.5f)), new(2, 7, new FaceBox(0, 0, 10, 7.5f))];
        var metrics = MotMetrics.Measure(truth, tracks);
        Assert.Equal(15.0 / 19, metrics.Hota, 12);
        Assert.Equal(15.0 / 19, metrics.DetA, 12);
        Assert.Equal(15.0 / 19, metrics.AssA, 12);
        Assert.Equal((15 * 0.75 + 4) / 19, metrics.LocA, 12);
        Assert.Equal(0.75, metrics.Motp, 6);
        Assert.Equal(1, metrics.Mota, 12);
    }

    [Fact]
    public void Ignored_ground_truth_and_the_track_on_it_count_for_nothing()
    {
        // Frame 1: face 1 counted and followed; face 2 marked ignored (confidence 0) with a track on it, and a stray box.
        MotRow[] truth = [Row(1, 1, 0, 0), Row(1, 2, 50, 0) with { Confidence = 0 }];
        MotRow[] tracks = [Row(1, 10, 0, 0), Row(1, 11, 50, 0), Row(1, 12, 200, 200)];
        var metrics = MotMetrics.Measure(truth, tracks);
        Assert.Equal((1, 2, 1, 1, 0), (metrics.TruthBoxes, metrics.HypothesisBoxes, metrics.Matches, metrics.FalsePositives, metrics.Misses));
    }

    [Fact]
    public void The_text_format_round_trips_and_reads_what_others_write()
    {
        MotRow[] rows = [Row(2, 1, 10.5f, 20.25f) with { Visibility = 0.5f, Class = 1 }, Row(1, 3, 0, 0) with { Confidence = 0.875f }];
        var written = new StringWriter();
        MotChallengeText.Write(written, rows);
        Assert.Equal("1,3,0,0,10,10,0.875,-1,-1\n2,1,10.5,20.25,10,10,1,1,0.5\n", written.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(rows.OrderBy(r => r.Frame), MotChallengeText.Read(new StringReader(written.ToString()), "memory"));

        // py-motmetrics and TrackEval also read white space and six fields; a bad field names its line.
        var read = MotChallengeText.Read(new StringReader("\n1 4 1 2 3 4\n"), "memory");
        Assert.Equal(new MotRow(1, 4, new FaceBox(1, 2, 3, 4)), Assert.Single(read));
        var error = Assert.Throws<FormatException>(() => MotChallengeText.Read(new StringReader("1,1,0,0,10,10\n2,1,x,0,10,10\n"), "gt.txt"));
        Assert.StartsWith("gt.txt:2:", error.Message);
        Assert.Throws<FormatException>(() => MotMetrics.Measure([Row(1, 1, 0, 0), Row(1, 1, 5, 5)], []));
    }

    private static MotRow Row(int frame, int id, float x, float y) => new(frame, id, new FaceBox(x, y, 10, 10));

    private static MotMetrics FromDistances(params (int[] Truth, int[] Hypotheses, double[,] Distances)[] frames)
    {
        var clear = new ClearMotAccumulator();
        var identity = new IdentityAccumulator();
        foreach (var (truth, hypotheses, distances) in frames)
        {
            clear.Add(truth, hypotheses, distances);
            identity.Add(truth, hypotheses, distances);
        }

        return MotMetrics.From(frames.Length, clear, identity, new HotaScores(double.NaN, double.NaN, double.NaN, double.NaN));
    }
}
