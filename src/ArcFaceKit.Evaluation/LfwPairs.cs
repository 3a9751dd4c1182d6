using System.Globalization;

namespace ArcFaceKit.Evaluation;

/// <summary>Reads LFW's pairs.txt ("10 300" then per fold 300 matched and 300 mismatched pairs).</summary>
public static class LfwPairs
{
    public static IReadOnlyList<LfwPair> Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var header = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (header.Length != 2 || !int.TryParse(header[0], out int folds) || !int.TryParse(header[1], out int perFold))
        {
            throw new FormatException($"{path}: first line must be '<folds> <pairs per fold>', got '{lines[0]}'.");
        }

        var pairs = new List<LfwPair>(folds * perFold * 2);
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int fold = (i - 1) / (2 * perFold);
            pairs.Add(f.Length switch
            {
                3 => new LfwPair(Name(f[0], f[1]), Name(f[0], f[2]), true, fold),
                4 => new LfwPair(Name(f[0], f[1]), Name(f[2], f[3]), false, fold),
                _ => throw new FormatException($"{path}:{i + 1}: expected 3 or 4 fields, got '{lines[i]}'."),
            });
        }

        if (pairs.Count != folds * perFold * 2)
        {
            throw new FormatException($"{path}: expected {folds * perFold * 2} pairs, found {pairs.Count}.");
        }

        return pairs;
    }

    private static string Name(string person, string number) =>
        $"{person}_{int.Parse(number, CultureInfo.InvariantCulture):D4}.jpg";
}
