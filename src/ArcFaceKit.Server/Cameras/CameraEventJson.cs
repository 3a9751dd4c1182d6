namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// One event of a camera, as Server-Sent Events carry it: an id that is the same however often it is delivered (the
/// SSE id, Last-Event-ID resumes after it), its kind (track.started, identified, revised, track.ended, arrived, left),
/// the camera and track, the subject or the visitor (an unknown person's id within the camera's analysis), the track
/// template's similarity to the subject, when the track (or visit) was first and last seen, the group its best face
/// was kept in, and the path of its best-face snapshot while it is kept.
/// </summary>
public sealed record CameraEventJson(
    string Id, string Kind, string Camera, int Track, string? Subject, string? Visitor, float? Score,
    DateTimeOffset FirstSeenUtc, DateTimeOffset LastSeenUtc, DateTimeOffset TimeUtc, long? Group, string? Snapshot);
