using System.Globalization;
using System.Text.RegularExpressions;

namespace ArcFaceKit.Video;

/// <summary>
/// The lines of ffmpeg's stderr (at -loglevel level+info) that matter: showinfo's frame lines (each frame's size and
/// presentation time, logged before its pixels reach the pipe), showinfo's time base, and error lines.
/// </summary>
internal static partial class FfmpegLogLine
{
    public static bool TryFrame(string line, out int width, out int height, out long? pts)
    {
        var m = FrameLine().Match(line);
        width = m.Success ? Int(m, "w") : 0;
        height = m.Success ? Int(m, "h") : 0;
        pts = m.Success && m.Groups["pts"].Value != "NOPTS" ? long.Parse(m.Groups["pts"].Value, CultureInfo.InvariantCulture) : null;
        return m.Success;
    }

    public static bool TryTimeBase(string line, out long numerator, out long denominator)
    {
        var m = TimeBaseLine().Match(line);
        (numerator, denominator) = m.Success ? (Int(m, "num"), Int(m, "den")) : (0, 1);
        return m.Success && numerator > 0 && denominator > 0;
    }

    /// <summary>An error or fatal line without its level and component prefix.</summary>
    public static bool TryError(string line, out string message)
    {
        var m = ErrorLine().Match(line);
        message = m.Success ? m.Groups["text"].Value.Trim() : "";
        return m.Success && message.Length > 0;
    }

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] n:\s*\d+ pts:\s*(?<pts>-?\d+|NOPTS) .* s:(?<w>\d+)x(?<h>\d+) ")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"^\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] config in time_base: (?<num>\d+)/(?<den>\d+)")]
    private static partial Regex TimeBaseLine();

    [GeneratedRegex(@"^(\[[^\]]+ @ [^\]]+\] )?\[(error|fatal)\] (?<text>.*)$")]
    private static partial Regex ErrorLine();
}
