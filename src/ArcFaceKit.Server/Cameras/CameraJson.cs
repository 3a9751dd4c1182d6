using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>A camera as the API answers it: its source masked (never its credentials), its settings and its live status.</summary>
public sealed record CameraJson(
    string Name, string Source, double Fps, float MinFaceSize, VideoRegion? Region, string Scoring, bool CollectUnknown,
    CameraStatusJson Status, DateTimeOffset CreatedUtc, DateTimeOffset UpdatedUtc);
