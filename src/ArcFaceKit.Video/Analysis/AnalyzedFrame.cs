namespace ArcFaceKit.Video;

/// <summary>
/// One analysed frame: the frame itself (to draw on or keep), the confirmed tracks in it and what happened at it. The
/// result after the last frame has <see cref="IsEnd"/> set, the last frame again, no faces, and the events of the end.
/// </summary>
public sealed record AnalyzedFrame(VideoFrame Frame, IReadOnlyList<TrackedFace> Faces, IReadOnlyList<VideoEvent> Events)
{
    public bool IsEnd { get; init; }
}
