using System.Globalization;
using System.Text.Json;

namespace ArcFaceKit.Video;

/// <summary>ffprobe's view of a file: its first video stream, and where its keyframes are.</summary>
internal static class VideoProbe
{
    public static async Task<VideoStreamInfo> StreamAsync(string ffprobe, VideoLocation file, CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await ToolRun.RunAsync(ffprobe,
            ["-loglevel", "level+error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:format=duration", "-of", "json", "file:" + file.Text],
            cancellationToken).ConfigureAwait(false);
        using var json = exit == 0 ? JsonDocument.Parse(stdout) : null;
        if (json is null || !json.RootElement.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
        {
            string why = stderr.Split('\n').Select(line => FfmpegLogLine.TryError(line, out string message) ? message : null).FirstOrDefault(m => m is not null) ?? "no video stream";
            throw new VideoSourceException($"{file.Text}: not a video ffprobe can read, or damaged or truncated ({why}).");
        }

        var stream = streams[0];
        double rate = Rational(stream, "avg_frame_rate") ?? Rational(stream, "r_frame_rate") ?? 0;
        double? seconds = Number(stream, "duration") ?? (json.RootElement.TryGetProperty("format", out var format) ? Number(format, "duration") : null);
        long? frames = Number(stream, "nb_frames") is { } n ? (long)n : null;
        return new VideoStreamInfo(stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(), rate,
            seconds is { } s ? TimeSpan.FromSeconds(s) : null, frames, stream.GetProperty("codec_name").GetString() ?? "unknown");
    }

    /// <summary>
    /// Whether each 1/fps interval of stream time that holds a frame holds a keyframe: then decoding keyframes alone
    /// samples as many frames as decoding all of them. Packet flags only (demuxing, no decoding).
    /// </summary>
    public static async Task<bool> KeyFrameInEveryIntervalAsync(string ffprobe, VideoLocation file, double fps, CancellationToken cancellationToken)
    {
        var (exit, stdout, _) = await ToolRun.RunAsync(ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", "file:" + file.Text],
            cancellationToken).ConfigureAwait(false);
        var withFrames = new HashSet<double>();
        var withKeys = new HashSet<double>();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = line.Split(',');
            if (fields.Length >= 2 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double t))
            {
                double interval = Math.Floor(t * fps);
                withFrames.Add(interval);
                if (fields[1].StartsWith('K'))
                {
                    withKeys.Add(interval);
                }
            }
        }

        return exit == 0 && withFrames.Count > 0 && withFrames.SetEquals(withKeys);
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    private static double? Rational(JsonElement element, string name)
    {
        string[] parts = element.TryGetProperty(name, out var value) ? (value.GetString() ?? "").Split('/') : [];
        return parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out double num) && double.TryParse(parts[1], CultureInfo.InvariantCulture, out double den) && num > 0 && den > 0
            ? num / den
            : null;
    }
}
