using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>The kinds of camera events as the server names them: the SSE event type, a webhook filter's kinds.</summary>
internal static class CameraEventKinds
{
    public static IReadOnlySet<string> All { get; } = Enum.GetValues<VideoEventKind>().Select(Name).ToHashSet(StringComparer.Ordinal);

    public static string Name(VideoEventKind kind) => kind switch
    {
        VideoEventKind.TrackStarted => "track.started",
        VideoEventKind.Identified => "identified",
        VideoEventKind.Revised => "revised",
        VideoEventKind.TrackEnded => "track.ended",
        VideoEventKind.Arrived => "arrived",
        _ => "left",
    };
}
