using ArcFaceKit.Video;

namespace ArcFaceKit.Contracts;

/// <summary>
/// What an analysis has seen so far, frame by frame: frames read, the source's time, tracks started and the end event
/// of every track; and its summary. `arcface video` and the server's video jobs report through it alike.
/// </summary>
public sealed class VideoTally
{
    private readonly List<VideoEvent> _endedTracks = [];

    /// <summary>Frames of the source up to the last one analysed (sampled frames count the ones between).</summary>
    public long Frames { get; private set; }

    /// <summary>The source's time of the last frame analysed.</summary>
    public TimeSpan Time { get; private set; }

    public int Tracks { get; private set; }

    /// <summary>The end event of every track, in order.</summary>
    public IReadOnlyList<VideoEvent> EndedTracks => _endedTracks;

    public void Add(AnalyzedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Frames = Math.Max(Frames, frame.Frame.Index + 1);
        Time = frame.Frame.Timestamp;
        Tracks += frame.Events.Count(e => e.Kind == VideoEventKind.TrackStarted);
        _endedTracks.AddRange(frame.Events.Where(e => e.Kind == VideoEventKind.TrackEnded));
    }

    /// <summary>Unnames the ended tracks of a subject since erased (they count as tracks, named after no one).</summary>
    public void Forget(string subject)
    {
        for (int i = 0; i < _endedTracks.Count; i++)
        {
            if (_endedTracks[i] is { IsVisitor: false } e && e.Person == subject)
            {
                _endedTracks[i] = e with { Person = null, Similarity = float.NaN, BestFace = null, Template = null };
            }
        }
    }

    /// <summary>The subjects and visitors of the tracks ended so far.</summary>
    public IEnumerable<string> People() => _endedTracks.Select(e => e.Person).OfType<string>().Distinct();

    /// <summary>The summary after <paramref name="elapsed"/> of wall time, with the analysis's embedder runs.</summary>
    public VideoSummaryJson Summary(string source, TimeSpan elapsed, int embeddedFaces)
    {
        var named = _endedTracks.Where(e => e.Person is not null).ToList();
        return new VideoSummaryJson(
            source, Frames, Math.Round(Time.TotalSeconds, 3), Math.Round(Time.TotalSeconds / Math.Max(elapsed.TotalSeconds, 1e-9), 2), Tracks, embeddedFaces,
            [.. named.Where(e => !e.IsVisitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)],
            [.. named.Where(e => e.IsVisitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)]);
    }
}
