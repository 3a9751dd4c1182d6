namespace ArcFaceKit.Video;

/// <summary>Finds ffmpeg and ffprobe, or says in one line how to install them.</summary>
internal static class FfmpegLocator
{
    public static string Ffmpeg(string configured) => Resolve(configured, "ffmpeg");

    /// <summary>ffprobe beside the ffmpeg found, as Debian's package installs them.</summary>
    public static string Ffprobe(string ffmpeg) => Resolve(Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe"), "ffprobe");

    private static string Resolve(string configured, string tool)
    {
        if (configured.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw Missing(tool, configured);
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, configured);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(tool, configured + " on PATH");
    }

    private static VideoSourceException Missing(string tool, string lookedFor) =>
        new($"{tool} was not found ({lookedFor}): video is decoded by ffmpeg, install it with `apt-get install ffmpeg`.");
}
