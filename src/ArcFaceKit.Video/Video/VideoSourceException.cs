namespace ArcFaceKit.Video;

/// <summary>A video that cannot be read: ffmpeg missing, not a video, damaged or truncated. The message is one line.</summary>
public sealed class VideoSourceException : Exception
{
    public VideoSourceException()
    {
    }

    public VideoSourceException(string message)
        : base(message)
    {
    }

    public VideoSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
