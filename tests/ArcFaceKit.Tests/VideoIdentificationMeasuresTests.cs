using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Tests;

/// <summary>
/// Identification per track and time to identification on a hand-made clip at 25 frames a second (the delay counted from
/// the first frame at the minimum face size).
/// </summary>
public class VideoIdentificationMeasuresTests
{
    [Fact]
    public void Each_track_is_judged_by_the_person_it_follows_on_most_frames()
    {
        // Track 1 follows Ann on frames 1-6 and Bob on 7-10 (a swap): it is Ann's. Track 2 follows Bob, track 3 Carl (not
        // enrolled), track 4 nobody.
        var truth = new List<MotRow>();
        var tracks = new List<MotRow>();
        for (int f = 1; f <= 10; f++)
        {
            var (ann, bob, carl) = (new FaceBox(0, 0, 50, 50), new FaceBox(200, 0, 50, 50), new FaceBox(400, 0, 50, 50));
            truth.AddRange([new MotRow(f, 1, ann), new MotRow(f, 2, bob), new MotRow(f, 3, carl)]);
            tracks.AddRange([new MotRow(f, 1, f <= 6 ? ann : bob), new MotRow(f, 3, carl), new MotRow(f, 4, new FaceBox(600, 0, 50, 50))]);
            if (f <= 6)
            {
                tracks.Add(new MotRow(f, 2, bob));
            }
        }

        var subjects = new Dictionary<int, string?> { [1] = "Ann", [2] = "Bob", [3] = null };
        var named = TrackIdentification.Measure(truth, tracks, subjects, new Dictionary<int, string?> { [1] = "Ann", [2] = "Ann", [3] = "Bob" });
        Assert.Equal(new TrackIdentification(EnrolledTracks: 2, Correct: 1, WrongSubject: 1, LeftUnknown: 0, UnknownTracks: 1, UnknownNamed: 1, Unmatched: 1), named);
    }

    [Fact]
    public void The_delay_runs_from_the_first_frame_at_the_minimum_size_to_the_first_right_name()
    {
        // Ann (ground truth 1) is 20 px wide on frames 1-10 and 40 px from frame 11 (0.4 s); track 7 follows her from
        // frame 5 and is named Bob at 0.5 s, then Ann at 1.0 s. Bob (2) is followed by track 8, never named. Carl (3) is
        // not enrolled and is left out.
        var truth = new List<MotRow>();
        var tracks = new List<MotRow>();
        for (int f = 1; f <= 50; f++)
        {
            var ann = new FaceBox(100, 100, f <= 10 ? 20 : 40, f <= 10 ? 20 : 40);
            truth.Add(new MotRow(f, 1, ann));
            truth.Add(new MotRow(f, 2, new FaceBox(300, 100, 50, 50)));
            truth.Add(new MotRow(f, 3, new FaceBox(500, 100, 50, 50)));
            if (f >= 5)
            {
                tracks.Add(new MotRow(f, 7, ann));
            }

            tracks.Add(new MotRow(f, 8, new FaceBox(300, 100, 50, 50)));
        }

        var subjects = new Dictionary<int, string?> { [1] = "Ann", [2] = "Bob", [3] = null };
        var namings = new List<TrackNaming>
        {
            new(7, "Bob", TimeSpan.FromSeconds(0.5)),
            new(7, "Ann", TimeSpan.FromSeconds(1.0)),
            new(7, "Ann", TimeSpan.FromSeconds(1.5)),
        };

        var delays = IdentificationDelays.Measure(truth, tracks, subjects, namings, 25, minFaceSize: 34);
        Assert.Equal(0.6, Assert.Single(delays.Seconds), 9);
        Assert.Equal(1, delays.NeverNamed);
        Assert.Equal(0.6, delays.Median, 9);
    }

    [Fact]
    public void Clips_sum_and_the_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        var all = IdentificationDelays.Sum([new([0.2, 1.0], 1), new([0.4, 3.0], 0), new([], 2)]);
        Assert.Equal(4, all.Seconds.Count);
        Assert.Equal(3, all.NeverNamed);
        Assert.Equal(0.7, all.Median, 9);
        Assert.True(double.IsNaN(new IdentificationDelays([], 1).Median));
    }
}
