namespace ArcFaceKit.Video;

/// <summary>A source's decoded, delivered and dropped frames and its reconnects, updated by the reader and the consumer.</summary>
internal sealed class FrameCounters
{
    private readonly Lock _gate = new();
    private readonly EventRate _decoded = new();
    private readonly EventRate _delivered = new();
    private readonly EventRate _dropped = new();
    private int _reconnects;

    public void Decoded() => Add(_decoded);

    public void Delivered() => Add(_delivered);

    public void Dropped() => Add(_dropped);

    public void Reconnected()
    {
        lock (_gate)
        {
            _reconnects++;
        }
    }

    public VideoSourceStats Snapshot()
    {
        lock (_gate)
        {
            return new VideoSourceStats(_decoded.Total, _delivered.Total, _dropped.Total, _decoded.PerSecond(), _delivered.PerSecond(), _dropped.PerSecond(), _reconnects);
        }
    }

    private void Add(EventRate rate)
    {
        lock (_gate)
        {
            rate.Add();
        }
    }
}
