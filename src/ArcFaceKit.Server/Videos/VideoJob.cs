using ArcFaceKit.Contracts;
using ArcFaceKit.Imaging;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Videos;

/// <summary>
/// One uploaded video's analysis: its source, owner (the key that sent it: no other key sees it) and the events and
/// tally the analysis reports, with the best face (PNG) of each ended track, read by requests while the analysis adds
/// to them.
/// </summary>
internal sealed class VideoJob(string id, string owner, VideoSource source, double? fps, DateTimeOffset created)
{
    /// <summary>Most best faces one job keeps (a track's is about 20 KB); the tracks past it are listed without.</summary>
    private const int MaxFaces = 1000;

    private readonly Lock _gate = new();
    private readonly VideoTally _tally = new();
    private readonly List<VideoEventJson> _events = [];
    private readonly Dictionary<int, byte[]> _faces = [];
    private VideoAnalyzer? _analyzer;
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

    public void Started(VideoAnalyzer analyzer, DateTimeOffset time)
    {
        lock (_gate)
        {
            (_state, _started, _analyzer) = ("running", time, analyzer);
        }
    }

    public void Add(AnalyzedFrame frame, int embedded)
    {
        // Encoded before the lock, so requests reading the job do not wait for the PNGs.
        var ended = frame.Events.Where(e => e is { Kind: VideoEventKind.TrackEnded, BestFace: not null }).ToDictionary(e => e.TrackId, e => ImageEncoder.EncodePng(e.BestFace!));
        lock (_gate)
        {
            _tally.Add(frame);
            foreach (var e in frame.Events)
            {
                string? face = null;
                if (e.Kind == VideoEventKind.TrackEnded && ended.TryGetValue(e.TrackId, out byte[]? png) && _faces.Count < MaxFaces)
                {
                    _faces[e.TrackId] = png;
                    face = $"/v1/videos/{Id}/tracks/{e.TrackId}/face";
                }

                _events.Add(VideoEventJson.From(e, Id, face));
            }

            _embedded = embedded;
        }
    }

    /// <summary>The best face of an ended track, while the job is kept.</summary>
    public byte[]? Face(int track)
    {
        lock (_gate)
        {
            return _faces.GetValueOrDefault(track);
        }
    }

    /// <summary>
    /// A subject was erased: its tracks are unnamed in the results, their best faces dropped, and a running analysis
    /// forgets it, as the cameras' do.
    /// </summary>
    public void Forget(string subject)
    {
        lock (_gate)
        {
            _analyzer?.Forget(subject);
            _tally.Forget(subject);
            for (int i = 0; i < _events.Count; i++)
            {
                if (_events[i] is { Visitor: false } e && e.Person == subject)
                {
                    _faces.Remove(e.Track);
                    _events[i] = e with { Person = null, Similarity = null, Face = null };
                }
            }
        }
    }

    public void Finished(string state, string? message, DateTimeOffset time)
    {
        lock (_gate)
        {
            (_state, _message, _finished, _analyzer) = (state, message, time, null);
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
