namespace ArcFaceKit.Server.Cameras;

/// <summary>Which events a client of /v1/events wants: one camera's, one subject's, unknown people's only, some kinds only.</summary>
internal sealed record CameraEventFilter(string? Camera, string? Subject, bool UnknownOnly, IReadOnlySet<string>? Kinds)
{
    public bool Matches(CameraEventJson e) =>
        (Camera is null || e.Camera == Camera)
        && (Subject is null || e.Subject == Subject)
        && (!UnknownOnly || e.Subject is null)
        && (Kinds is null || Kinds.Contains(e.Kind));
}
