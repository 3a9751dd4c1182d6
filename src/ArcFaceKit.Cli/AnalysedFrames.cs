using System.Globalization;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Cli;

/// <summary>The frames an analysis saw: tracking at a sampled rate is measured on those frames only.</summary>
internal static class AnalysedFrames
{
    /// <summary>The file beside tracks.txt that `arcface video --out` writes.</summary>
    public const string FileName = "frames.txt";

    /// <summary>
    /// The rows of the analysed frames, numbered 1, 2, ... in order: at a sampled rate the tracks are measured on the
    /// frames the analysis saw, with no gaps between them (a gap would break CLEAR MOT's kept matches).
    /// </summary>
    public static List<MotRow> Only(IReadOnlyList<MotRow> rows, IReadOnlyList<int> frames)
    {
        var order = frames.Select((frame, i) => (frame, i)).ToDictionary(p => p.frame, p => p.i + 1);
        return [.. rows.Where(r => order.ContainsKey(r.Frame)).Select(r => r with { Frame = order[r.Frame] })];
    }

    /// <summary>A frames file: one frame number a line.</summary>
    public static List<int> Read(string path) =>
        [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
}
