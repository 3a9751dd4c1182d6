using ArcFaceKit.Video;

namespace ArcFaceKit.Tests;

/// <summary>The analysis's bookkeeping: visits, visitors and the embedding schedule, on hand-made inputs.</summary>
public sealed class VideoBookkeepingTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Appearances_closer_than_the_gap_are_one_visit_and_a_later_one_is_a_second_arrival()
    {
        var visits = new VisitLog(S(30));
        Assert.True(visits.Seen("ann", false, 1, S(0), S(5)));
        Assert.Empty(visits.Close(S(20), new HashSet<string>()));       // gone 15 s: still the same visit
        Assert.False(visits.Seen("ann", false, 2, S(20), S(25)));        // back within the gap: no new arrival
        var left = Assert.Single(visits.Close(S(56), new HashSet<string>()));
        Assert.Equal((VideoEventKind.Left, 2, "ann", S(0), S(25)), (left.Kind, left.TrackId, left.Person, left.FirstSeen, left.LastSeen));
        Assert.True(visits.Seen("ann", false, 3, S(60), S(61)));         // after the gap: a second arrival
    }

    [Fact]
    public void A_person_on_screen_is_not_left_however_long_ago_the_visit_began()
    {
        var visits = new VisitLog(S(30));
        visits.Seen("ann", false, 1, S(0), S(1));
        Assert.Empty(visits.Close(S(100), new HashSet<string> { "ann" }));
        Assert.Single(visits.Close(null, new HashSet<string>()));
    }

    [Fact]
    public void An_unknown_face_seen_again_is_the_same_visitor_but_never_one_already_on_screen()
    {
        var book = new VisitorBook(0.5f);
        float[] a = [1, 0, 0], aAgain = [0.9f, 0.1f, 0], b = [0, 1, 0];
        string first = book.Assign(a, new HashSet<string>());
        Assert.Equal(first, book.Assign(aAgain, new HashSet<string>()));
        Assert.NotEqual(first, book.Assign(b, new HashSet<string>()));
        Assert.NotEqual(first, book.Assign(a, new HashSet<string> { first }));
        Assert.Equal(3, book.Count);
    }

    [Fact]
    public void A_track_is_embedded_at_growing_intervals_and_at_most_the_cap_however_long_it_lasts()
    {
        var options = VideoAnalysisOptions.Default;
        var track = new TrackRecognition(1, S(0));
        var times = new List<double>();
        for (int frame = 0; frame < 5 * 3600; frame++)
        {
            var now = S(frame / 5.0);
            if (track.IsDue(now, 1f, options))
            {
                track.Add(null!, new TrackSample([1f], 1f, true, null), now);
                times.Add(now.TotalSeconds);
            }
        }

        Assert.Equal(options.MaxEmbeddingsPerTrack, times.Count);
        Assert.Equal([0, 0.2, 0.6, 1.4], times.Take(4));
        Assert.All(times.Zip(times.Skip(1), (a, b) => b - a).Zip(times.Skip(1).Zip(times.Skip(2), (a, b) => b - a)), p => Assert.True(p.Second >= p.First));
    }

    [Fact]
    public void A_due_embedding_waits_for_a_frame_as_good_as_the_best_seen_while_waiting()
    {
        var options = VideoAnalysisOptions.Default;
        var track = new TrackRecognition(1, S(0));
        Assert.True(track.IsDue(S(0), 0.5f, options));
        track.Add(null!, new TrackSample([1f], 1f, true, null), S(0));
        Assert.False(track.IsDue(S(0.1), 0.9f, options));   // too soon, but the best frame so far
        Assert.False(track.IsDue(S(0.2), 0.3f, options));   // due, but far worse than the one seen while waiting
        Assert.True(track.IsDue(S(0.3), 0.85f, options));   // as good (within 10%)
    }
}
