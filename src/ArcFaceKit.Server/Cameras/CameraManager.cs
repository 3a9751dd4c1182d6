using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The cameras: kept in the gallery's store (<see cref="ICameraStore"/>), each run by a <see cref="CameraWorker"/>
/// while the server runs. Started with the server (after the gallery opens), so cameras come back after a restart;
/// at most <see cref="CameraOptions.MaxCameras"/>. Changes are serialised; a change stops the camera's worker (and its
/// ffmpeg) before the store changes, and starts a new one after.
/// </summary>
internal sealed partial class CameraManager : IHostedService, IAsyncDisposable
{
    private readonly WorkerSet<string, CameraWorker> _workers = new(StringComparer.Ordinal);
    private readonly GalleryHost _galleries;
    private readonly CameraServices _services;
    private readonly ILogger<CameraManager> _log;

    public CameraManager(GalleryHost galleries, FacePipeline pipeline, ServerOptions options, CameraEventHub events, SnapshotStore snapshots, TimeProvider clock, ILogger<CameraManager> log)
    {
        _galleries = galleries;
        _log = log;
        _services = new CameraServices(pipeline, () => galleries.Gallery, options, events, snapshots, log, clock);
    }

    private ICameraStore Store => _galleries.Gallery;

    private int Max => _services.Options.Cameras.MaxCameras;

    public Task StartAsync(CancellationToken cancellationToken) => _workers.SerialAsync(async () =>
    {
        foreach (var stored in await Store.ListCamerasAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_workers.Count >= Max)
            {
                NotStarted(_log, stored.Name, Max);
                continue;
            }

            StartWorker(stored);
        }

        return true;
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _workers.StopAllAsync(cancellationToken);

    public ValueTask DisposeAsync() => _workers.DisposeAsync();

    public async Task<IReadOnlyList<CameraJson>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await Store.ListCamerasAsync(cancellationToken).ConfigureAwait(false)).Select(Describe)];

    public async Task<CameraJson?> GetAsync(string name, CancellationToken cancellationToken) =>
        await Store.FindCameraAsync(name, cancellationToken).ConfigureAwait(false) is { } stored ? Describe(stored) : null;

    public async Task<CameraJson> AddAsync(CameraRequest request, string actor, CancellationToken cancellationToken)
    {
        string name = CameraSettings.CheckName(request.Name);
        var source = CameraSource.From(request.Url, request.Device);
        var settings = CameraSettings.From(request, _services.Options);
        return await _workers.SerialAsync(async () =>
        {
            if ((await Store.ListCamerasAsync(cancellationToken).ConfigureAwait(false)).Count >= Max)
            {
                throw new ApiProblem(StatusCodes.Status409Conflict, "Conflict", $"The server runs at most {Max} cameras (ArcFace:Cameras:MaxCameras); remove one first.");
            }

            var now = _services.Clock.GetUtcNow();
            var stored = new StoredCamera(name, source.Location, settings.ToJson(), now, now);
            await Store.AddCameraAsync(stored, actor, cancellationToken).ConfigureAwait(false);
            StartWorker(stored);
            return Describe(stored);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces a camera's source and settings; a URL given as the camera answers it (masked) keeps the stored one.</summary>
    public async Task<CameraJson?> UpdateAsync(string name, CameraRequest request, string actor, CancellationToken cancellationToken)
    {
        if (request.Name is not null && request.Name != name)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request", "A camera cannot be renamed: remove it and add it under the new name.");
        }

        var settings = CameraSettings.From(request, _services.Options);
        return await _workers.SerialAsync<CameraJson?>(async () =>
        {
            if (await Store.FindCameraAsync(name, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return null;
            }

            var kept = CameraSource.Stored(current.Source);
            var source = request.Url is not null && request.Device is null && request.Url == kept.Masked ? kept : CameraSource.From(request.Url, request.Device);
            var stored = current with { Source = source.Location, Settings = settings.ToJson(), UpdatedUtc = _services.Clock.GetUtcNow() };
            await _workers.RemoveAsync(name).ConfigureAwait(false);
            await Store.UpdateCameraAsync(stored, actor, cancellationToken).ConfigureAwait(false);
            StartWorker(stored);
            return Describe(stored);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken) => _workers.SerialAsync(async () =>
    {
        await _workers.RemoveAsync(name).ConfigureAwait(false);
        return await Store.DeleteCameraAsync(name, actor, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>A snapshot of one of the camera's events, while kept.</summary>
    public Task<byte[]?> SnapshotAsync(string name, string id, CancellationToken cancellationToken) => _services.Snapshots.FindAsync(name, id, cancellationToken);

    /// <summary>The running camera's last analysed frame (JPEG); null when it is not running or has analysed none.</summary>
    public byte[]? RecentFrame(string name) => _workers.Find(name)?.Status.RecentFrame();

    /// <summary>
    /// A subject was erased through this server: its kept events go, and every camera's analysis forgets it, so no
    /// later event names it. (Erased elsewhere, a camera finds it gone when it next names it, and forgets it then.)
    /// </summary>
    public void Forget(string subject)
    {
        _services.Events.Forget(subject);
        foreach (var worker in _workers.All)
        {
            worker.Forget(subject);
        }
    }

    private void StartWorker(StoredCamera stored)
    {
        var worker = new CameraWorker(stored, _services);
        _workers.Add(stored.Name, worker);
        worker.Start();
    }

    private CameraJson Describe(StoredCamera stored)
    {
        var worker = _workers.Find(stored.Name);
        var source = worker?.Source ?? CameraSource.Stored(stored.Source);
        var settings = worker?.Settings ?? CameraSettings.Parse(stored.Settings);
        var status = worker?.Status.Snapshot() ?? new CameraStatusJson("stopped", $"not running: the server runs at most {Max} cameras", stored.UpdatedUtc, 0, 0, 0, 0, 0, 0, null, 0, []);
        return new CameraJson(stored.Name, source.Masked, settings.Fps, settings.MinFaceSize, settings.Region, settings.Scoring, settings.CollectUnknown, status, stored.CreatedUtc, stored.UpdatedUtc);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera} is not started: the server runs at most {Max} cameras")]
    private static partial void NotStarted(ILogger logger, string camera, int max);
}
