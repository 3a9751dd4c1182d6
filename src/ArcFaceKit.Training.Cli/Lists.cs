using System.Globalization;

namespace ArcFaceKit.Training.Cli;

/// <summary>Comma-separated option values.</summary>
internal static class Lists
{
    public static int[] Ints(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];
}
