using ArcFaceKit.Gallery;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The best-face crops (PNG) of camera events, kept in the gallery's store (<see cref="ISnapshotStore"/>: sealed for
/// the subject, group or camera they belong to, erased with it) for <see cref="CameraOptions.SnapshotRetention"/> and at
/// most <see cref="CameraOptions.MaxSnapshots"/> of them. One past its time is never answered; the rows are erased at
/// each <see cref="TrimInterval"/>, starting when the server starts.
/// </summary>
internal sealed partial class SnapshotStore(GalleryHost galleries, ServerOptions options, TimeProvider clock, ILogger<SnapshotStore> log) : BackgroundService
{
    /// <summary>How often expired snapshots are erased: their retention is kept to within this.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromMinutes(1);

    private ISnapshotStore Store => galleries.Gallery;

    private DateTimeOffset Oldest => clock.GetUtcNow() - options.Cameras.SnapshotRetention;

    /// <summary>Keeps an event's snapshot; false when its camera is gone or the subject it names was erased.</summary>
    public Task<bool> AddAsync(NewSnapshot snapshot, CancellationToken cancellationToken) =>
        options.Cameras.MaxSnapshots == 0 ? Task.FromResult(false) : Store.AddSnapshotAsync(snapshot, cancellationToken);

    /// <summary>Moves a visitor's snapshots to the group its face was kept in (they are then named, merged and erased with it).</summary>
    public Task<int> AttachAsync(string camera, IReadOnlyCollection<string> ids, long group, CancellationToken cancellationToken) =>
        Store.AttachSnapshotsAsync(camera, ids, group, cancellationToken);

    public Task<byte[]?> FindAsync(string camera, string id, CancellationToken cancellationToken) => Store.FindSnapshotAsync(camera, id, Oldest, cancellationToken);

    public Task<int> TrimAsync(CancellationToken cancellationToken) => Store.TrimSnapshotsAsync(Oldest, options.Cameras.MaxSnapshots, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TrimInterval, clock);
        do
        {
            try
            {
                int trimmed = await TrimAsync(stoppingToken).ConfigureAwait(false);
                if (trimmed > 0)
                {
                    Trimmed(log, trimmed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TrimFailed(log, e.Message);   // tried again at the next tick
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Count} camera snapshots past their retention")]
    private static partial void Trimmed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasing expired camera snapshots failed: {Reason}")]
    private static partial void TrimFailed(ILogger logger, string reason);
}
