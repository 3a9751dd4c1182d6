using ArcFaceKit.Imaging;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// A running camera's state and counters, written by its worker and the source's status events, read by the API.
/// Messages arrive scrubbed of the source's credentials.
/// </summary>
internal sealed class CameraStatus(TimeProvider clock)
{
    private const int Kept = 16;
    private readonly Lock _gate = new();
    private readonly EventRate _analysed = new();
    private readonly Queue<CameraStateJson> _recent = new();
    private CameraStateJson _state = new("starting", "opening the source", clock.GetUtcNow());
    private VideoSourceStats _finished = new(0, 0, 0, 0, 0, 0, 0);
    private VideoSource? _source;
    private DateTimeOffset? _lastFrame;
    private RgbImage? _lastImage;

    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state.State;
            }
        }
    }

    public void Set(string state, string message)
    {
        lock (_gate)
        {
            _state = new CameraStateJson(state, message, clock.GetUtcNow());
            _recent.Enqueue(_state);
            while (_recent.Count > Kept)
            {
                _recent.Dequeue();
            }
        }
    }

    /// <summary>The source now read (its counters join the totals when it is let go).</summary>
    public void Reading(VideoSource? source)
    {
        lock (_gate)
        {
            if (_source is not null)
            {
                var s = _source.Stats;
                _finished = new VideoSourceStats(_finished.Decoded + s.Decoded, _finished.Delivered + s.Delivered, _finished.Dropped + s.Dropped, 0, 0, 0, _finished.Reconnects + s.Reconnects);
            }

            _source = source;
        }
    }

    /// <summary>A frame was analysed: counted, and kept as the camera's recent frame (the decoder gives each frame arrays of its own).</summary>
    public void Analysed(RgbImage image)
    {
        lock (_gate)
        {
            _analysed.Add();
            _lastFrame = clock.GetUtcNow();
            _lastImage = image;
        }
    }

    /// <summary>The last analysed frame as JPEG; null before the first.</summary>
    public byte[]? RecentFrame()
    {
        RgbImage? image;
        lock (_gate)
        {
            image = _lastImage;
        }

        return image is null ? null : ImageEncoder.EncodeJpeg(image, 80);
    }

    public CameraStatusJson Snapshot()
    {
        lock (_gate)
        {
            var now = _source?.Stats ?? new VideoSourceStats(0, 0, 0, 0, 0, 0, 0);
            return new CameraStatusJson(_state.State, _state.Message, _state.TimeUtc, _finished.Decoded + now.Decoded, _analysed.Total, _finished.Dropped + now.Dropped,
                Math.Round(now.DecodedPerSecond, 2), Math.Round(_analysed.PerSecond(), 2), Math.Round(now.DroppedPerSecond, 2), _lastFrame,
                _finished.Reconnects + now.Reconnects, [.. _recent]);
        }
    }
}
