using System.Globalization;
using ArcFaceKit.Detection;
using ArcFaceKit.IO;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// The MOTChallenge text format, one box a line: frame, id, left, top, width, height, confidence, then class and
/// visibility (ground truth) or unused world coordinates (results; -1). Read: commas or white space between fields, at
/// least the first six, as py-motmetrics and TrackEval read them. Written: nine fields, comma-separated, rows by frame then id.
/// </summary>
public static class MotChallengeText
{
    private static readonly char[] Separators = [',', ' ', '\t'];

    public static IReadOnlyList<MotRow> Read(string path)
    {
        using var reader = File.OpenText(path);
        return Read(reader, path);
    }

    /// <summary>Reads rows; <paramref name="source"/> names the text in errors.</summary>
    public static IReadOnlyList<MotRow> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<MotRow>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length < 6)
            {
                throw new FormatException($"{source}:{number}: expected at least 6 fields (frame, id, left, top, width, height), got '{line}'.");
            }

            float Field(int i, float missing) => i >= fields.Length ? missing
                : float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ? value
                : throw new FormatException($"{source}:{number}: field {i + 1} is not a number: '{fields[i]}'.");

            rows.Add(new MotRow(
                Whole(Field(0, 0), number, source), Whole(Field(1, 0), number, source),
                new FaceBox(Field(2, 0), Field(3, 0), Field(4, 0), Field(5, 0)),
                Field(6, 1), (int)Field(7, -1), Field(8, -1)));
        }

        return rows;
    }

    /// <summary>Writes the rows to <paramref name="path"/> at once (a reader never sees half a file).</summary>
    public static void Write(string path, IEnumerable<MotRow> rows) => AtomicFile.WriteAllLines(path, Lines(rows));

    public static void Write(TextWriter writer, IEnumerable<MotRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var line in Lines(rows))
        {
            writer.WriteLine(line);
        }
    }

    private static IEnumerable<string> Lines(IEnumerable<MotRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.OrderBy(r => r.Frame).ThenBy(r => r.Id).Select(r => string.Join(',',
            r.Frame.ToString(CultureInfo.InvariantCulture), r.Id.ToString(CultureInfo.InvariantCulture),
            Number(r.Box.X), Number(r.Box.Y), Number(r.Box.Width), Number(r.Box.Height),
            Number(r.Confidence), r.Class.ToString(CultureInfo.InvariantCulture), Number(r.Visibility)));
    }

    private static string Number(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Whole(float value, int number, string source) => value == MathF.Round(value)
        ? (int)value
        : throw new FormatException($"{source}:{number}: frame and id must be whole numbers, got {value}.");
}
