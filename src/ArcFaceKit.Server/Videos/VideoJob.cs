using ArcFaceKit.Contracts;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Videos;

/// <summary>
/// One uploaded video's analysis: its source, owner (the key that sent it: no other key sees it) and the events and
/// tally the analysis reports, read by requests while the analysis adds to them.
/// </summary>
internal sealed class VideoJob(string id, string owner, VideoSource source, double? fps, DateTimeOffset created)
{
    private readonly Lock _gate = new();
    private readonly VideoTally _tally = new();
    private readonly List<VideoEventJson> _events = [];
    private string _state = "queued";
    private string? _message;
    private DateTimeOffset? _started;
    private DateTimeOffset? _finished;
    private int _embedded;

    public string Id { get; } = id;

    public string Owner { get; } = owner;

    public DateTimeOffset CreatedUtc { get; } = created;

    public VideoSource Source { get; } = source;

    public CancellationTokenSource Cancel { get; } = new();

    /// <summary>The analysis in the background, set once it is started.</summary>
    public Task Run { get; set; } = Task.CompletedTask;

    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public DateTimeOffset? FinishedUtc
    {
        get
        {
            lock (_gate)
            {
                return _finished;
            }
        }
    }

    public void Started(DateTimeOffset time)
    {
        lock (_gate)
        {
            (_state, _started) = ("running", time);
        }
    }

    public void Add(AnalyzedFrame frame, int embedded)
    {
        lock (_gate)
        {
            _tally.Add(frame);
            _events.AddRange(frame.Events.Select(e => VideoEventJson.From(e, Id)));
            _embedded = embedded;
        }
    }

    public void Finished(string state, string? message, DateTimeOffset time)
    {
        lock (_gate)
        {
            (_state, _message, _finished) = (state, message, time);
        }
    }

    /// <summary>The events so far, of one kind (track-started, identified, revised, track-ended, arrived, left) or all.</summary>
    public IReadOnlyList<VideoEventJson> Events(string? kind)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => kind is null || e.Event == kind)];
        }
    }

    public VideoJobJson Json(DateTimeOffset now)
    {
        lock (_gate)
        {
            var info = Source.Info!;
            double? length = info.Duration?.TotalSeconds;
            double progress = _state == "done" ? 1 : length is > 0 ? Math.Min(1, _tally.Time.TotalSeconds / length.Value) : 0;
            var elapsed = (_finished ?? now) - (_started ?? now);
            return new VideoJobJson(Id, _state, _message, CreatedUtc, _started, _finished, info.Width, info.Height, length, fps, Math.Round(progress, 4),
                _tally.Summary(Id, elapsed, _embedded));
        }
    }
}
