using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The cameras' events, fanned out to every /v1/events client: each client has a bounded line of its own (a slow client
/// loses its oldest events, never holds up a camera), and the last <see cref="CameraOptions.EventBuffer"/> events are
/// kept so a client that reconnects with Last-Event-ID gets what it missed (within this server run: ids carry the
/// run's random prefix).
/// </summary>
internal sealed class CameraEventHub(ServerOptions options)
{
    private const int ClientLine = 256;
    private readonly Lock _gate = new();
    private readonly LinkedList<CameraEventJson> _recent = new();
    private readonly List<Channel<CameraEventJson>> _clients = [];
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private long _sequence;

    /// <summary>A new event id: unique, and the same wherever and however often the event is delivered.</summary>
    public string NextId() => $"{_run}-{Interlocked.Increment(ref _sequence)}";

    public void Publish(CameraEventJson e)
    {
        lock (_gate)
        {
            _recent.AddLast(e);
            while (_recent.Count > options.Cameras.EventBuffer)
            {
                _recent.RemoveFirst();
            }

            foreach (var client in _clients)
            {
                client.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>The events that match, from after <paramref name="lastEventId"/> (when still kept) on, until cancelled.</summary>
    public async IAsyncEnumerable<CameraEventJson> SubscribeAsync(CameraEventFilter filter, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var line = Channel.CreateBounded<CameraEventJson>(new BoundedChannelOptions(ClientLine) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        List<CameraEventJson> missed = [];
        lock (_gate)
        {
            _clients.Add(line);
            if (lastEventId is not null && _recent.Any(e => e.Id == lastEventId))
            {
                missed = [.. _recent.SkipWhile(e => e.Id != lastEventId).Skip(1)];
            }
        }

        try
        {
            foreach (var e in missed.Where(filter.Matches))
            {
                yield return e;
            }

            await foreach (var e in line.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (filter.Matches(e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _clients.Remove(line);
            }
        }
    }
}
