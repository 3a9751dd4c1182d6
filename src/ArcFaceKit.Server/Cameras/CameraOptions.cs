namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// The server's camera limits and timings (configuration section ArcFace:Cameras). The stream timings are the video
/// package's own (<see cref="Video.VideoSourceOptions"/>); the visit gap is the analysis's (<see cref="Video.VideoAnalysisOptions.VisitGap"/>).
/// </summary>
public sealed class CameraOptions
{
    /// <summary>Most cameras the server runs at once (each an ffmpeg decoder and an analysis on the shared pipeline).</summary>
    public int MaxCameras { get; set; } = 4;

    /// <summary>How long a best-face snapshot is kept (in the gallery's store, sealed as faces are) after its event.</summary>
    public TimeSpan SnapshotRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most snapshots kept, all cameras together (the oldest go first); 0 keeps none.</summary>
    public int MaxSnapshots { get; set; } = 1000;

    /// <summary>Recent events kept for clients that reconnect with Last-Event-ID.</summary>
    public int EventBuffer { get; set; } = 1000;

    /// <summary>A stream with no frame for this long is stalled and reopened.</summary>
    public TimeSpan StallTimeout { get; set; } = Video.VideoSourceOptions.Default.StallTimeout;

    /// <summary>The first reconnect delay; each failed attempt doubles it up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = Video.VideoSourceOptions.Default.ReconnectDelay;

    public TimeSpan MaxReconnectDelay { get; set; } = Video.VideoSourceOptions.Default.MaxReconnectDelay;

    /// <summary>Appearances of one person less than this apart are one visit: one "arrived" event.</summary>
    public TimeSpan VisitGap { get; set; } = Video.VideoAnalysisOptions.Default.VisitGap;

    public void Validate()
    {
        if (MaxCameras < 0 || MaxSnapshots < 0 || EventBuffer < 1 || SnapshotRetention < TimeSpan.Zero || StallTimeout <= TimeSpan.Zero
            || ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay || VisitGap < TimeSpan.Zero)
        {
            throw new ArgumentException("Cameras: MaxCameras and MaxSnapshots must not be negative, EventBuffer at least 1, the timeouts and delays positive (MaxReconnectDelay at least ReconnectDelay).");
        }
    }
}
