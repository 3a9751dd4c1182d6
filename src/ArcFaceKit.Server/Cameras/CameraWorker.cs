using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// One camera at work, in the background: <see cref="VideoSource"/> (ffmpeg; it reconnects a live stream itself) into
/// a <see cref="VideoAnalyzer"/> over the server's pipeline and gallery, each event published with its best-face
/// snapshot (kept in the gallery's store). Should the source or the analysis fail (the pipeline's line full, ffmpeg missing), it starts again after
/// a back-off. Stopping it cancels the analysis, which kills and waits for its ffmpeg.
/// </summary>
internal sealed partial class CameraWorker : IAsyncDisposable
{
    private readonly CameraServices _services;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private volatile CameraRun? _run;

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

    public void Start() => _running = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Forgets an erased subject in the analysis running now (a new one starts from the gallery as it is).</summary>
    public void Forget(string subject) => _run?.Analyzer.Forget(subject);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
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
                var run = new CameraRun(new VideoAnalyzer(_services.Pipeline, _services.Gallery(), analysis), _services.Clock.GetUtcNow());
                _run = run;
                await foreach (var frame in run.Analyzer.AnalyzeAsync(video.ReadFramesAsync(cancellationToken), cancellationToken).ConfigureAwait(false))
                {
                    Status.Analysed(frame.Frame.Image);
                    foreach (var e in frame.Events)
                    {
                        await PublishAsync(e, run, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                _run = null;
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

    /// <summary>
    /// Publishes an event with its snapshot kept in the store. An event that names a subject no longer in the gallery
    /// (erased, here or by another process) is not published, and the analysis forgets the subject. A visitor's
    /// snapshots go to the group its face is kept in when its track ends, so they are named and erased with it.
    /// </summary>
    private async Task PublishAsync(VideoEvent e, CameraRun run, CancellationToken cancellationToken)
    {
        string id = _services.Events.NextId();
        string? subject = e.IsVisitor ? null : e.Person;
        var now = _services.Clock.GetUtcNow();
        bool kept = e.BestFace is { } face && await _services.Snapshots.AddAsync(new NewSnapshot(id, Name, subject, now, ImageEncoder.EncodePng(face)), cancellationToken).ConfigureAwait(false);
        if (!kept && subject is not null && await _services.Gallery().GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false) is null)
        {
            run.Analyzer.Forget(subject);
            return;
        }

        if (e.IsVisitor && e.Person is { } visitor)
        {
            var snapshots = run.VisitorSnapshots.TryGetValue(visitor, out var list) ? list : run.VisitorSnapshots[visitor] = [];
            if (kept)
            {
                snapshots.Add(id);
            }

            if (e.Group is { } group)
            {
                await _services.Snapshots.AttachAsync(Name, snapshots, group, cancellationToken).ConfigureAwait(false);
                snapshots.Clear();
            }
        }

        _services.Events.Publish(new CameraEventJson(id, CameraEventKinds.Name(e.Kind), Name, e.TrackId, subject, e.IsVisitor ? e.Person : null,
            float.IsNaN(e.Similarity) ? null : e.Similarity, run.Started + e.FirstSeen, run.Started + e.LastSeen, now, e.Group, kept ? $"/v1/cameras/{Name}/snapshots/{id}" : null));
    }

    /// <summary>One analysis of the camera's stream (a new one after each reconnect): its analyzer, when it started, and its visitors' snapshots not yet in a group.</summary>
    private sealed record CameraRun(VideoAnalyzer Analyzer, DateTimeOffset Started)
    {
        public Dictionary<string, List<string>> VisitorSnapshots { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera} {State}: {Reason}")]
    private static partial void StateLogged(ILogger logger, string camera, string state, string reason);
}
