using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The cameras' events, fanned out to every /v1/events client and every webhook: each has a bounded line of its own
/// (<see cref="CameraEventLine"/>: a slow client or a dead target loses its oldest events, never holds up a camera), and
/// the last <see cref="CameraOptions.EventBuffer"/> events are kept so a client that reconnects with Last-Event-ID gets
/// what it missed (within this server run: ids carry the run's random prefix).
/// </summary>
internal sealed class CameraEventHub(ServerOptions options)
{
    /// <summary>Events each subscriber's line holds.</summary>
    public const int LineLength = 256;

    private readonly Lock _gate = new();
    private readonly LinkedList<CameraEventJson> _recent = new();
    private readonly List<CameraEventLine> _lines = [];
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

            foreach (var line in _lines)
            {
                line.Offer(e);
            }
        }
    }

    /// <summary>Drops the kept events that name a subject just erased, so no reconnecting client is sent its name again.</summary>
    public void Forget(string subject)
    {
        lock (_gate)
        {
            for (var node = _recent.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Subject == subject)
                {
                    _recent.Remove(node);
                }

                node = next;
            }
        }
    }

    /// <summary>A line of the events that match, from now on, until it is disposed.</summary>
    public CameraEventLine Open(CameraEventFilter filter, Action<CameraEventJson>? dropped = null)
    {
        var line = new CameraEventLine(filter, LineLength, dropped, Leave);
        lock (_gate)
        {
            _lines.Add(line);
        }

        return line;
    }

    /// <summary>The events that match, from after <paramref name="lastEventId"/> (when still kept) on, until cancelled.</summary>
    public async IAsyncEnumerable<CameraEventJson> SubscribeAsync(CameraEventFilter filter, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var line = new CameraEventLine(filter, LineLength, null, Leave);
        List<CameraEventJson> missed = [];
        lock (_gate)
        {
            _lines.Add(line);
            if (lastEventId is not null && _recent.Any(e => e.Id == lastEventId))
            {
                missed = [.. _recent.SkipWhile(e => e.Id != lastEventId).Skip(1).Where(filter.Matches)];
            }
        }

        foreach (var e in missed)
        {
            yield return e;
        }

        await foreach (var e in line.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    private void Leave(CameraEventLine line)
    {
        lock (_gate)
        {
            _lines.Remove(line);
        }
    }
}
