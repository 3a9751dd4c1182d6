namespace ArcFaceKit.Video;

/// <summary>Where frames come from: a file, a network stream (RTSP, HTTP, ...) or a V4L2 camera, and how ffmpeg opens it.</summary>
internal sealed record VideoLocation(string Text, VideoLocation.Kinds Kind)
{
    internal enum Kinds
    {
        File,
        Stream,
        Camera,
    }

    public bool IsLive => Kind != Kinds.File;

    public static VideoLocation Parse(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (location.StartsWith("/dev/video", StringComparison.Ordinal))
        {
            return new VideoLocation(location, Kinds.Camera);
        }

        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && !uri.IsFile)
        {
            return new VideoLocation(location, Kinds.Stream);
        }

        string path = Path.GetFullPath(location);
        return File.Exists(path) ? new VideoLocation(path, Kinds.File) : throw new VideoSourceException($"{location}: no such file.");
    }

    /// <summary>ffmpeg's input arguments; <paramref name="ioTimeout"/> bounds a network read or connect inside ffmpeg.</summary>
    public IEnumerable<string> InputArguments(TimeSpan ioTimeout)
    {
        string microseconds = ((long)ioTimeout.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Kind switch
        {
            // "file:" so that a colon in a file name is not read as a protocol.
            Kinds.File => ["-i", "file:" + Text],
            Kinds.Camera => ["-f", "v4l2", "-i", Text],
            // ffmpeg 5 took -stimeout away: RTSP's -timeout is its socket timeout, TCP avoids UDP's lost packets.
            _ when Text.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase) => ["-rtsp_transport", "tcp", "-timeout", microseconds, "-i", Text],
            // -rw_timeout is every protocol's own (-timeout means a listening wait for RTMP).
            _ => ["-rw_timeout", microseconds, "-i", Text],
        };
    }
}
