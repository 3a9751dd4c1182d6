using System.Threading.Channels;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// One subscriber's line of the hub's events, those its filter matches only: bounded, the oldest go when it is full (a
/// slow reader never holds up a camera), each passed to <c>dropped</c> when one is given; disposing it leaves the hub.
/// </summary>
internal sealed class CameraEventLine : IDisposable
{
    private readonly Channel<CameraEventJson> _channel;
    private readonly Action<CameraEventLine> _leave;

    public CameraEventLine(CameraEventFilter filter, int capacity, Action<CameraEventJson>? dropped, Action<CameraEventLine> leave)
    {
        Filter = filter;
        _leave = leave;
        _channel = Channel.CreateBounded(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }, dropped);
    }

    public CameraEventFilter Filter { get; }

    public ChannelReader<CameraEventJson> Reader => _channel.Reader;

    /// <summary>Queues the event when it matches; never waits.</summary>
    public void Offer(CameraEventJson e)
    {
        if (Filter.Matches(e))
        {
            _channel.Writer.TryWrite(e);
        }
    }

    public void Dispose()
    {
        _leave(this);
        _channel.Writer.TryComplete();
    }
}
