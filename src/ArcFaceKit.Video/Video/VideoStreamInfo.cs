namespace ArcFaceKit.Video;

/// <summary>
/// A file's video stream as ffprobe describes it, before any sampling, cropping or scaling. Duration and frame count are
/// null where the container does not state them (Matroska and WebM state no frame count).
/// </summary>
public sealed record VideoStreamInfo(int Width, int Height, double FrameRate, TimeSpan? Duration, long? FrameCount, string Codec);
