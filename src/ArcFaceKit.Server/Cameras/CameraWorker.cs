using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// One camera at work, in the background: <see cref="VideoSource"/> (ffmpeg; it reconnects a live stream itself) into
/// a <see cref="VideoAnalyzer"/> over the server's pipeline and gallery, each event published with its best-face
/// snapshot. Should the source or the analysis fail (the pipeline's line full, ffmpeg missing), it starts again after
/// a back-off. Stopping it cancels the analysis, which kills and waits for its ffmpeg.
/// </summary>
internal sealed partial class CameraWorker : IAsyncDisposable
{
    private readonly CameraServices _services;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public CameraWorker(StoredCamera stored, CameraServices services)
    {
        Stored = stored;
        _services = services;
        Source = CameraSource.Stored(stored.Source);
        Settings = CameraSettings.Parse(stored.Settings);
        Status = new CameraStatus(services.Clock);
    }

    public StoredCamera Stored { get; }

    public CameraSource Source { get; }

    public CameraSettings Settings { get; }

    public CameraStatus Status { get; }

    private string Name => Stored.Name;

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await AnalyseAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                Changed("reconnecting", "the source ended; opening it again");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                Changed("failed", Source.Scrub(e.Message));
            }

            var delay = TimeSpan.FromTicks(Math.Min(_services.Options.Cameras.MaxReconnectDelay.Ticks, _services.Options.Cameras.ReconnectDelay.Ticks << Math.Min(failures, 20)));
            try
            {
                await Task.Delay(delay, _services.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Status.Reading(null);
        Changed("stopped", "stopped");
    }

    private async Task AnalyseAsync(CancellationToken cancellationToken)
    {
        var cameras = _services.Options.Cameras;
        var sourceOptions = new VideoSourceOptions
        {
            Fps = Settings.Fps,
            Region = Settings.Region,
            StallTimeout = cameras.StallTimeout,
            ReconnectDelay = cameras.ReconnectDelay,
            MaxReconnectDelay = cameras.MaxReconnectDelay,
        };
        var video = await VideoSource.OpenAsync(Source.Location, sourceOptions, cancellationToken).ConfigureAwait(false);
        await using (video.ConfigureAwait(false))
        {
            video.StatusChanged += OnStatus;
            Status.Reading(video);
            try
            {
                var analysis = VideoAnalysisOptions.Default with
                {
                    MinFaceSize = Settings.MinFaceSize,
                    Scoring = SubjectScorings.Parse(Settings.Scoring),
                    VisitGap = cameras.VisitGap,
                    CollectUnknownAs = Settings.CollectUnknown ? $"camera:{Name}" : null,
                };
                var analyzer = new VideoAnalyzer(_services.Pipeline, _services.Gallery(), analysis);
                var started = _services.Clock.GetUtcNow();
                await foreach (var frame in analyzer.AnalyzeAsync(video.ReadFramesAsync(cancellationToken), cancellationToken).ConfigureAwait(false))
                {
                    Status.Analysed();
                    foreach (var e in frame.Events)
                    {
                        Publish(e, started);
                    }
                }
            }
            finally
            {
                video.StatusChanged -= OnStatus;
                Status.Reading(null);
            }
        }
    }

    private void OnStatus(object? sender, VideoSourceStatus status)
    {
        // A closed live stream is reopened at once by the source: to a client that is reconnecting.
        string state = status.State switch
        {
            VideoSourceState.Connected => "connected",
            VideoSourceState.Stalled => "stalled",
            _ => "reconnecting",
        };
        Changed(state, Source.Scrub(status.Message));
    }

    private void Changed(string state, string message)
    {
        Status.Set(state, message);
        StateLogged(_services.Log, Name, state, message);
    }

    private void Publish(VideoEvent e, DateTimeOffset started)
    {
        string id = _services.Events.NextId();
        string? snapshot = null;
        if (e.BestFace is { } face)
        {
            _services.Snapshots.Add(id, Name, ImageEncoder.EncodePng(face));
            snapshot = $"/v1/cameras/{Name}/snapshots/{id}";
        }

        _services.Events.Publish(new CameraEventJson(id, CameraEventKinds.Name(e.Kind), Name, e.TrackId, e.IsVisitor ? null : e.Person, e.IsVisitor ? e.Person : null,
            float.IsNaN(e.Similarity) ? null : e.Similarity, started + e.FirstSeen, started + e.LastSeen, _services.Clock.GetUtcNow(), e.Group, snapshot));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera} {State}: {Reason}")]
    private static partial void StateLogged(ILogger logger, string camera, string state, string reason);
}
