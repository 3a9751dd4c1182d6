using System.Globalization;

namespace ArcFaceKit.Video;

/// <summary>The ffmpeg command line for a source: raw RGB24 frames on stdout, each one announced by showinfo on stderr.</summary>
internal static class FfmpegArguments
{
    public static List<string> For(VideoLocation location, VideoSourceOptions options, bool keyFramesOnly)
    {
        List<string> args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info"];
        if (!location.IsLive)
        {
            // A file stops at its first damaged packet, with a non-zero exit: the frames before it are delivered, then the error.
            args.Add("-xerror");
        }

        if (options.DecoderThreads is { } threads)
        {
            args.AddRange(["-threads", Invariant(threads)]);
        }

        if (keyFramesOnly)
        {
            args.AddRange(["-skip_frame", "nokey"]);
        }

        if (options.ProbeDuration is { } probe)
        {
            args.AddRange(["-analyzeduration", Invariant((long)probe.TotalMicroseconds)]);
        }

        // ffmpeg's own network timeout is a backstop at twice the stall timeout, so that a stall is our watchdog's to report.
        args.AddRange(location.InputArguments(options.StallTimeout * 2));
        // Passthrough: each decoded frame once, with its own time (rawvideo's default would duplicate or drop to a constant rate).
        args.AddRange(["-map", "0:v:0", "-vf", Filters(options), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return args;
    }

    /// <summary>Sample first (later filters then see fewer frames), crop, scale, convert, announce.</summary>
    private static string Filters(VideoSourceOptions options)
    {
        var filters = new List<string>();
        if (options.Fps is { } fps)
        {
            // The first frame of each 1/fps interval, with its own timestamp; a time that goes back (a live stream's reset) starts over.
            string f = Invariant(fps);
            filters.Add($"select='isnan(prev_selected_t)+lt(t,prev_selected_t)+gt(floor(t*{f}),floor(prev_selected_t*{f}))'");
        }

        if (options.Region is { } r)
        {
            filters.Add($"crop={Invariant(r.Width)}:{Invariant(r.Height)}:{Invariant(r.X)}:{Invariant(r.Y)}:exact=1");
        }

        if (options.MaxWidth is not null || options.MaxHeight is not null)
        {
            string w = Invariant(options.MaxWidth ?? int.MaxValue), h = Invariant(options.MaxHeight ?? int.MaxValue);
            filters.Add($"scale=w='min(iw,{w})':h='min(ih,{h})':force_original_aspect_ratio=decrease");
        }

        filters.Add("format=rgb24");
        filters.Add("showinfo=checksum=0");
        return string.Join(',', filters);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
