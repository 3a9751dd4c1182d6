namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The best-face crops (PNG) of camera events, in memory only, for <see cref="CameraOptions.SnapshotRetention"/> and at
/// most <see cref="CameraOptions.MaxSnapshots"/> of them (the oldest go first); a camera's go when it is removed.
/// </summary>
internal sealed class SnapshotStore(ServerOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Camera, DateTimeOffset Time, byte[] Png)> _snapshots = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(string id, string camera, byte[] png)
    {
        lock (_gate)
        {
            _snapshots[id] = (camera, clock.GetUtcNow(), png);
            _order.Enqueue(id);
            Trim();
        }
    }

    public byte[]? Find(string camera, string id)
    {
        lock (_gate)
        {
            Trim();
            return _snapshots.TryGetValue(id, out var s) && s.Camera == camera ? s.Png : null;
        }
    }

    public void RemoveCamera(string camera)
    {
        lock (_gate)
        {
            foreach (string id in _snapshots.Where(s => s.Value.Camera == camera).Select(s => s.Key).ToList())
            {
                _snapshots.Remove(id);
            }
        }
    }

    private void Trim()
    {
        var oldest = clock.GetUtcNow() - options.Cameras.SnapshotRetention;
        while (_order.TryPeek(out string? id) && (_snapshots.Count > options.Cameras.MaxSnapshots || !_snapshots.TryGetValue(id, out var s) || s.Time < oldest))
        {
            _snapshots.Remove(_order.Dequeue());
        }
    }
}
