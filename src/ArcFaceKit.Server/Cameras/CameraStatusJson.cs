namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// A camera's live status: its state (starting, connected, reconnecting, stalled, failed, stopped) since when and why,
/// frames decoded, analysed and dropped (totals since the server started it, and per second over the last 5 s), the
/// time of the last analysed frame, reconnects, and the last state changes (newest last).
/// </summary>
public sealed record CameraStatusJson(
    string State, string Message, DateTimeOffset SinceUtc, long Decoded, long Analysed, long Dropped,
    double DecodedPerSecond, double AnalysedPerSecond, double DroppedPerSecond, DateTimeOffset? LastFrameUtc, int Reconnects,
    IReadOnlyList<CameraStateJson> Recent);
