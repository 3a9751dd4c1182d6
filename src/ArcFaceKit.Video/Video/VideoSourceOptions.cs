namespace ArcFaceKit.Video;

/// <summary>How a <see cref="VideoSource"/> samples, crops and scales frames, and how a live source recovers.</summary>
public sealed record VideoSourceOptions
{
    /// <summary>
    /// Analysis rate in frames a second; null: every frame. The first frame of each 1/Fps interval of stream time is
    /// kept with its own timestamp (an ffmpeg select filter, so skipped frames are never converted or piped).
    /// </summary>
    public double? Fps { get; init; }

    /// <summary>Frames wider than this are scaled down by ffmpeg, keeping their aspect ratio; null: no limit.</summary>
    public int? MaxWidth { get; init; }

    /// <summary>Frames taller than this are scaled down by ffmpeg, keeping their aspect ratio; null: no limit.</summary>
    public int? MaxHeight { get; init; }

    /// <summary>Only this part of the frame, cropped by ffmpeg before scaling; null: the whole frame.</summary>
    public VideoRegion? Region { get; init; }

    /// <summary>
    /// ffmpeg's decoding threads; null: ffmpeg's choice (one per core). With several, frames decoded in parallel are lost
    /// when a damaged file stops ffmpeg, so where it stops varies by a frame or two (truncated webcam-b: 369 or 370
    /// frames; 372 every time with one thread).
    /// </summary>
    public int? DecoderThreads { get; init; }

    /// <summary>
    /// How long ffmpeg reads the input to learn its streams before decoding; null: ffmpeg's default (5 s). Every
    /// reconnect of a live source pays it: 1 s brought a local MPEG-TS stream's first frame from 5.2 s to 1.3 s.
    /// </summary>
    public TimeSpan? ProbeDuration { get; init; }

    /// <summary>The ffmpeg program: a name looked up on PATH or a path; ffprobe is taken from beside it.</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Live sources: frames waiting for the consumer; when full the oldest is dropped (Frigate's camera queue holds 2).</summary>
    public int QueueCapacity { get; init; } = 2;

    /// <summary>Live sources: no frame for this long (after the probe, for a connection's first frame) drops the connection.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Live sources: the wait before the first reconnect; each failed attempt doubles it.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Live sources: the longest wait between reconnects.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    public static VideoSourceOptions Default { get; } = new();

    internal void Validate()
    {
        if (Fps is { } fps && !(fps > 0 && double.IsFinite(fps)))
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), fps, "The analysis rate must be a positive number of frames a second.");
        }

        if (MaxWidth <= 0 || MaxHeight <= 0 || DecoderThreads <= 0 || QueueCapacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(VideoSourceOptions), "MaxWidth, MaxHeight, DecoderThreads and QueueCapacity must be positive.");
        }

        if (Region is { } r && (r.X < 0 || r.Y < 0 || r.Width <= 0 || r.Height <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Region), r, "The region needs a non-negative corner and a positive size.");
        }

        if (StallTimeout <= TimeSpan.Zero || ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay || ProbeDuration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), "Timeouts and delays must be positive, the longest reconnect delay at least the first.");
        }
    }
}
