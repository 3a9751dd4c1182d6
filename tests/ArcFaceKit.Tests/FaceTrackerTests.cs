using ArcFaceKit.Detection;
using ArcFaceKit.Matching;
using ArcFaceKit.Tracking;

namespace ArcFaceKit.Tests;

/// <summary>
/// The face tracker on hand-made box sequences at 30 frames a second: crossing, occlusion, low scores, re-entry by
/// appearance within and beyond the lost buffer, scene cuts, sampled detection with prediction between, determinism.
/// </summary>
public class FaceTrackerTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromSeconds(1.0 / 30);

    private static readonly TrackerOptions WithRelink = new() { RelinkThreshold = new SimilarityThreshold(0.5f, "test: a stated point") };

    // Unit embeddings: Alice and her turned-away look (cosine 0.8), and Bob (cosine 0 with Alice).
    private static readonly float[] Alice = [1, 0, 0], AliceTurned = [0.8f, 0.6f, 0], Bob = [0, 0, 1];

    [Fact]
    public void Two_faces_crossing_keep_their_ids_and_the_hidden_one_is_found_again_where_it_moved()
    {
        // A goes right, B goes left 20 px higher, 6 px a frame each; B is hidden behind A while they overlap most.
        var tracker = new FaceTracker();
        int? idA = null, idB = null;
        for (int f = 0; f < 100; f++)
        {
            var a = Box(6 * f, 100);
            var b = Box(600 - 6 * f, 80);
            bool hidden = Math.Abs(a.X - b.X) < 48;
            var tracks = tracker.Update(At(f), hidden ? [Seen(a)] : [Seen(a), Seen(b)]);
            if (f < 2)
            {
                continue;
            }

            idA ??= OnBox(tracks, a).Id;
            Assert.Equal(idA, OnBox(tracks, a).Id);
            if (!hidden)
            {
                idB ??= OnBox(tracks, b).Id;
                Assert.Equal(idB, OnBox(tracks, b).Id);
            }
            else
            {
                Assert.Equal(TrackState.Lost, tracks.Single(t => t.Id == idB).State);
            }
        }

        Assert.NotEqual(idA, idB);
    }

    [Fact]
    public void Two_faces_that_meet_and_turn_back_swap_tracks_by_position_and_get_them_back_by_appearance()
    {
        // Alice comes from the left, Bob from the right; they meet (Bob hidden behind Alice) and each goes back the way
        // they came. The Kalman filter carries each track on across, so position alone swaps them.
        static (int OnAlice, int OnBob, int Checks) Follow(bool verify)
        {
            var tracker = new FaceTracker(WithRelink);
            int checks = 0;
            FaceBox a = default, b = default;
            for (int f = 0; f < 100; f++)
            {
                float step = f < 50 ? f : 100 - f;
                (a, b) = (Box(6 * step, 100), Box(600 - 6 * step, 100));
                bool hidden = Math.Abs(a.X - b.X) < 48;
                var seenA = Seen(a, embedding: f < 3 ? Alice : null);
                var seenB = Seen(b, embedding: f < 3 ? Bob : null);
                tracker.Update(At(f), hidden ? [seenA] : [seenA, seenB]);
                if (verify && tracker.ToVerify() is { Count: > 0 } doubted)
                {
                    checks += doubted.Count;
                    tracker.Verify([.. doubted.Select(t => new TrackFace(t.Id, t.LastObservation.Face.Box == a ? AliceTurned : Bob))]);
                }
            }

            var tracks = tracker.Predict(At(100));
            return (OnBox(tracks, a).Id, OnBox(tracks, b).Id, checks);
        }

        Assert.Equal((2, 1), (Follow(verify: false).OnAlice, Follow(verify: false).OnBob));
        var verified = Follow(verify: true);
        Assert.Equal((1, 2), (verified.OnAlice, verified.OnBob));
        Assert.InRange(verified.Checks, 2, 4);   // once each when they part, not every frame
    }

    [Fact]
    public void A_face_occluded_for_half_a_second_keeps_its_id()
    {
        var tracker = new FaceTracker();
        var box = Box(200, 100);
        Run(tracker, 0, 30, _ => [Seen(box)]);
        int id = tracker.Predict(At(30)).Single().Id;
        var during = Run(tracker, 30, 45, _ => []);
        Assert.Equal(TrackState.Lost, during.Single().State);

        var after = tracker.Update(At(45), [Seen(box)]);
        Assert.Equal(new[] { (id, TrackState.Confirmed) }, after.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void Low_score_detections_keep_a_blurred_face_but_start_nothing()
    {
        var tracker = new FaceTracker();
        var box = Box(200, 100);
        Run(tracker, 0, 10, _ => [Seen(box, 0.9f)]);
        var blurred = Run(tracker, 10, 40, _ => [Seen(box, 0.3f)]);
        Assert.Equal(TrackState.Confirmed, blurred.Single().State);
        Assert.Equal(At(39), blurred.Single().LastSeen);

        // With the low-score stage shut (low = high), the same blur loses it; and low scores alone never make a track.
        var strict = new FaceTracker(new TrackerOptions { LowScore = 0.6f });
        Run(strict, 0, 10, _ => [Seen(box, 0.9f)]);
        Assert.Equal(TrackState.Lost, Run(strict, 10, 40, _ => [Seen(box, 0.3f)]).Single().State);
        var fresh = new FaceTracker();
        Assert.Empty(Run(fresh, 0, 30, _ => [Seen(box, 0.3f)]));
    }

    [Fact]
    public void A_face_that_leaves_and_comes_back_elsewhere_within_the_buffer_keeps_its_id_by_appearance()
    {
        var tracker = new FaceTracker(WithRelink);
        AliceLeavesForHalfASecond(tracker);

        // Back on the other side of the frame, turned a little: no overlap with where it left, a close embedding.
        var back = tracker.Update(At(45), [Seen(Box(500, 300), embedding: AliceTurned)]);
        Assert.Equal(new[] { (1, TrackState.Confirmed) }, back.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void A_face_embedded_only_on_its_second_frame_back_takes_its_old_id_from_the_tentative_track()
    {
        var tracker = new FaceTracker(WithRelink);
        AliceLeavesForHalfASecond(tracker);
        var first = tracker.Update(At(45), [Seen(Box(500, 300))]);
        Assert.Equal(TrackState.Tentative, first.Single(t => t.Id == 2).State);

        var second = tracker.Update(At(46), [Seen(Box(502, 300), embedding: AliceTurned)]);
        Assert.Equal(new[] { (1, TrackState.Confirmed), (2, TrackState.Ended) }, second.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void A_track_begun_without_an_embedding_is_the_lost_one_back_when_its_first_embedding_says_so()
    {
        // Back next to someone, the face was not embedded before association: it starts a track, checked once confirmed.
        foreach (var (look, expected) in new[] { (AliceTurned, new[] { (1, TrackState.Confirmed), (2, TrackState.Ended) }), (Bob, [(1, TrackState.Lost), (2, TrackState.Confirmed)]) })
        {
            var tracker = new FaceTracker(WithRelink);
            AliceLeavesForHalfASecond(tracker);
            tracker.Update(At(45), [Seen(Box(500, 300))]);
            tracker.Update(At(46), [Seen(Box(502, 300))]);
            var check = tracker.ToVerify();
            Assert.Equal([2], check.Select(t => t.Id));
            var after = tracker.Verify([new TrackFace(2, look)]);
            Assert.Equal(expected, after.Select(t => (t.Id, t.State)));
            Assert.Empty(tracker.ToVerify());   // checked once: it has an appearance now, or is gone
        }
    }

    [Fact]
    public void A_lost_track_merged_with_a_confirmed_one_goes_on_in_its_place()
    {
        var tracker = new FaceTracker(WithRelink);
        AliceLeavesForHalfASecond(tracker);
        Run(tracker, 45, 48, f => [Seen(Box(500 + f, 300), embedding: Bob)]);   // too unlike her old look to re-link
        Assert.False(tracker.Merge(2, 1));                                     // only a lost track takes a confirmed one
        Assert.True(tracker.Merge(1, 2));                                      // the analysis named both as one person
        var after = tracker.Update(At(48), [Seen(Box(548, 300))]);
        Assert.Equal(new[] { (1, TrackState.Confirmed), (2, TrackState.Ended) }, after.Select(t => (t.Id, t.State)));
        Assert.True(after.Single(t => t.Id == 1).Box.IoU(Box(548, 300)) > 0.8f);
    }

    [Fact]
    public void Someone_else_coming_in_gets_a_new_id_and_the_lost_face_stays_lost()
    {
        var tracker = new FaceTracker(WithRelink);
        AliceLeavesForHalfASecond(tracker);
        var other = tracker.Update(At(45), [Seen(Box(500, 300), embedding: Bob)]);
        Assert.Equal(new[] { (1, TrackState.Lost), (2, TrackState.Tentative) }, other.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void Without_a_relink_threshold_a_face_coming_back_elsewhere_is_a_new_track()
    {
        var tracker = new FaceTracker();
        AliceLeavesForHalfASecond(tracker);
        var back = tracker.Update(At(45), [Seen(Box(500, 300), embedding: Alice)]);
        Assert.Equal(new[] { (1, TrackState.Lost), (2, TrackState.Tentative) }, back.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void Beyond_the_lost_buffer_the_track_ends_once_and_the_same_face_gets_a_new_id()
    {
        var tracker = new FaceTracker(WithRelink);
        Run(tracker, 0, 30, _ => [Seen(Box(50, 100), embedding: Alice)]);
        var gap = Run(tracker, 30, 60, _ => []);
        Assert.Equal(TrackState.Lost, gap.Single().State);

        // Last seen at frame 29: 1 s later is frame 59; at frame 60 the buffer is past.
        Assert.Equal(new[] { (1, TrackState.Ended) }, tracker.Predict(At(60)).Select(t => (t.Id, t.State)));
        Assert.Empty(tracker.Predict(At(61)));
        var back = tracker.Update(At(75), [Seen(Box(50, 100), embedding: Alice)]);
        Assert.Equal(new[] { (2, TrackState.Tentative) }, back.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void With_a_relink_buffer_a_face_back_after_the_lost_buffer_takes_its_old_id_wherever_it_is()
    {
        var tracker = new FaceTracker(WithRelink with { RelinkBuffer = TimeSpan.FromSeconds(5) });
        Run(tracker, 0, 30, _ => [Seen(Box(50, 100), embedding: Alice)]);
        Assert.Equal(TrackState.Lost, Run(tracker, 30, 90, _ => []).Single().State);   // 2 s away: kept for its face
        var back = tracker.Update(At(90), [Seen(Box(500, 300), embedding: Alice)]);
        Assert.Equal(new[] { (1, TrackState.Confirmed) }, back.Select(t => (t.Id, t.State)));

        // Someone else where Alice was lost is not her by position once the lost buffer is past.
        tracker = new FaceTracker(WithRelink with { RelinkBuffer = TimeSpan.FromSeconds(5) });
        Run(tracker, 0, 30, _ => [Seen(Box(50, 100), embedding: Alice)]);
        Run(tracker, 30, 90, _ => []);
        var other = tracker.Update(At(90), [Seen(Box(50, 100), embedding: Bob)]);
        Assert.Equal(new[] { (1, TrackState.Lost), (2, TrackState.Tentative) }, other.Select(t => (t.Id, t.State)));
        Assert.Equal(new[] { (1, TrackState.Ended) }, tracker.Predict(At(30 + 150)).Where(t => t.Id == 1).Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void A_scene_cut_ends_every_track_and_the_next_shot_starts_new_ones()
    {
        var tracker = new FaceTracker(WithRelink);
        Run(tracker, 0, 10, _ => [Seen(Box(50, 100), embedding: Alice), Seen(Box(300, 100), embedding: Bob)]);
        var cut = tracker.EndAll(At(10));
        Assert.Equal(new[] { (1, TrackState.Ended), (2, TrackState.Ended) }, cut.Select(t => (t.Id, t.State)));

        var next = tracker.Update(At(10), [Seen(Box(50, 100), embedding: Alice)]);
        Assert.Equal(new[] { (3, TrackState.Tentative) }, next.Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void A_single_false_detection_never_becomes_a_face()
    {
        var tracker = new FaceTracker();
        var once = tracker.Update(At(0), [Seen(Box(50, 100))]);
        Assert.Equal(TrackState.Tentative, once.Single().State);
        Assert.Equal(new[] { (1, TrackState.Ended) }, tracker.Update(At(1), []).Select(t => (t.Id, t.State)));
    }

    [Fact]
    public void Detection_every_third_frame_with_prediction_between_follows_a_moving_face()
    {
        var tracker = new FaceTracker();
        for (int f = 0; f < 90; f++)
        {
            var truth = Box(4 * f, 100 + f);
            var tracks = f % 3 == 0 ? tracker.Update(At(f), [Seen(truth)]) : tracker.Predict(At(f));
            if (f >= 30)
            {
                var track = Assert.Single(tracks);
                Assert.Equal(1, track.Id);
                Assert.True(track.Box.IoU(truth) > 0.9f, $"frame {f}: predicted {track.Box}, truth {truth}");
            }
        }
    }

    [Fact]
    public void Frames_must_come_in_time_order()
    {
        var tracker = new FaceTracker();
        tracker.Update(At(5), [Seen(Box(50, 100))]);
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Update(At(4), []));
    }

    [Fact]
    public void The_same_detections_give_the_same_tracks()
    {
        static List<string> Follow()
        {
            var tracker = new FaceTracker(WithRelink);
            var random = new Random(31);
            var lines = new List<string>();
            for (int f = 0; f < 120; f++)
            {
                // Three faces with jitter, missed detections and varying scores; one embedded every tenth frame.
                var faces = Enumerable.Range(0, 3)
                    .Where(_ => random.NextDouble() > 0.15)
                    .Select(k => Seen(Box(100 + 150 * k + 2 * f + random.Next(-3, 4), 100 + random.Next(-3, 4)),
                        (float)(0.2 + 0.8 * random.NextDouble()), f % 10 == 0 ? (k == 0 ? Alice : Bob) : null))
                    .ToList();
                lines.AddRange(tracker.Update(At(f), faces).Select(t => $"{f} {t.Id} {t.State} {t.Box}"));
            }

            return lines;
        }

        var first = Follow();
        Assert.True(first.Count > 200);
        Assert.Equal(first, Follow());
    }

    /// <summary>Alice on the left for frames 0-29, then gone until frame 45.</summary>
    private static void AliceLeavesForHalfASecond(FaceTracker tracker)
    {
        Run(tracker, 0, 30, _ => [Seen(Box(50, 100), embedding: Alice)]);
        Run(tracker, 30, 45, _ => []);
    }

    private static TimeSpan At(int frame) => frame * Frame;

    private static FaceBox Box(float x, float y) => new(x, y, 80, 80);

    private static FaceObservation Seen(FaceBox box, float score = 0.9f, float[]? embedding = null)
    {
        var centre = new FacePoint(box.X + box.Width / 2, box.Y + box.Height / 2);
        return new FaceObservation(new DetectedFace(box, [.. Enumerable.Repeat(centre, DetectedFace.LandmarkCount)], score), embedding);
    }

    private static FaceTrack OnBox(IReadOnlyList<FaceTrack> tracks, FaceBox box) =>
        tracks.Single(t => t.State == TrackState.Confirmed && t.Box.IoU(box) > 0.5f);

    /// <summary>Updates frames <paramref name="from"/> to <paramref name="to"/> (exclusive); returns the last frame's tracks.</summary>
    private static IReadOnlyList<FaceTrack> Run(FaceTracker tracker, int from, int to, Func<int, IReadOnlyList<FaceObservation>> detections)
    {
        IReadOnlyList<FaceTrack> tracks = [];
        for (int f = from; f < to; f++)
        {
            tracks = tracker.Update(At(f), detections(f));
        }

        return tracks;
    }
}
