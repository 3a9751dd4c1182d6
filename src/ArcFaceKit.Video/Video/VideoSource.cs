namespace ArcFaceKit.Video;

/// <summary>
/// Frames of a video file (mp4, mkv, avi, webm, GIF, ...), a network stream (RTSP, HTTP, ...) or a V4L2 camera
/// (/dev/videoN), decoded by an ffmpeg child process into <see cref="Imaging.RgbImage"/>s. Files deliver every
/// sampled frame and are read once; live sources keep the newest frames, reconnect on their own and report it through
/// <see cref="StatusChanged"/>. Frames are read once per source; disposing stops ffmpeg.
/// </summary>
public sealed class VideoSource : IAsyncDisposable
{
    private readonly VideoLocation _location;
    private readonly string _ffmpeg;
    private readonly List<string> _arguments;
    private readonly VideoSourceOptions _options;
    private readonly FrameCounters _counters = new();
    private readonly CancellationTokenSource _disposed = new();
    private int _reading;

    private VideoSource(VideoLocation location, string ffmpeg, List<string> arguments, VideoSourceOptions options, VideoStreamInfo? info)
    {
        (_location, _ffmpeg, _arguments, _options, Info) = (location, ffmpeg, arguments, options, info);
    }

    /// <summary>
    /// Raised by live sources when a connection is made, stalls or closes, and before each reconnect; it runs on the
    /// reading task, so a handler should be quick.
    /// </summary>
    public event EventHandler<VideoSourceStatus>? StatusChanged;

    public string Location => _location.Text;

    /// <summary>A stream or a camera: frames may be dropped, timestamps are wall-clock time, the source reconnects.</summary>
    public bool IsLive => _location.IsLive;

    /// <summary>
    /// ffprobe's description of a file; null for live sources, which are not probed beforehand (a probe is a connection
    /// of its own, and some cameras, like ffmpeg's own one-client server, take only one).
    /// </summary>
    public VideoStreamInfo? Info { get; }

    public VideoSourceStats Stats => _counters.Snapshot();

    /// <summary>Whether ffmpeg decodes keyframes only (`-skip_frame nokey`), chosen at opening.</summary>
    internal bool DecodesKeyFramesOnly => _arguments.Contains("nokey");

    /// <summary>
    /// Opens a source: finds ffmpeg (a <see cref="VideoSourceException"/> says how to install it when it is missing)
    /// and probes a file, failing for one that is not a video or a region outside its frame.
    /// </summary>
    public static async Task<VideoSource> OpenAsync(string location, VideoSourceOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VideoSourceOptions.Default;
        options.Validate();
        string ffmpeg = FfmpegLocator.Ffmpeg(options.FfmpegPath);
        var where = VideoLocation.Parse(location);
        if (where.IsLive)
        {
            return new VideoSource(where, ffmpeg, FfmpegArguments.For(where, options, keyFramesOnly: false), options, null);
        }

        string ffprobe = FfmpegLocator.Ffprobe(ffmpeg);
        var info = await VideoProbe.StreamAsync(ffprobe, where, cancellationToken).ConfigureAwait(false);
        if (options.Region is { } r && (r.X + r.Width > info.Width || r.Y + r.Height > info.Height))
        {
            throw new VideoSourceException($"{where.Text}: region {r.X},{r.Y} {r.Width}x{r.Height} is outside the {info.Width}x{info.Height} frame.");
        }

        // Decoding is the floor of the cost: at a rate low enough that each sampled interval holds a keyframe, decode keyframes only.
        bool keyFramesOnly = options.Fps is { } fps && fps < info.FrameRate
            && await VideoProbe.KeyFrameInEveryIntervalAsync(ffprobe, where, fps, cancellationToken).ConfigureAwait(false);
        return new VideoSource(where, ffmpeg, FfmpegArguments.For(where, options, keyFramesOnly), options, info);
    }

    /// <summary>The frames, once: a second call throws. Cancelling, or leaving the loop, stops ffmpeg.</summary>
    public IAsyncEnumerable<VideoFrame> ReadFramesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException($"The frames of {Location} are read once; open it again to read it again.");
        }

        return ReadAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_disposed.IsCancellationRequested)
        {
            await _disposed.CancelAsync().ConfigureAwait(false);
        }

        _disposed.Dispose();
    }

    private async IAsyncEnumerable<VideoFrame> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var frames = IsLive
            ? new LiveFrameReader(_ffmpeg, _arguments, _options, _counters, status => StatusChanged?.Invoke(this, status)).ReadAsync(linked.Token)
            : new FileFrameReader(_ffmpeg, _arguments, _location.Text, _counters).ReadAsync(linked.Token);
        await foreach (var frame in frames.ConfigureAwait(false))
        {
            yield return frame;
        }
    }
}
