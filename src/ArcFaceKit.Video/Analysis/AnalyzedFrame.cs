namespace ArcFaceKit.Video;

/// <summary>One analysed frame: the confirmed tracks in it and what happened at it.</summary>
public sealed record AnalyzedFrame(long Index, TimeSpan Timestamp, IReadOnlyList<TrackedFace> Faces, IReadOnlyList<VideoEvent> Events);
