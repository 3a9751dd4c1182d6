using System.Globalization;

namespace ArcFaceKit.Bench;

/// <summary>
/// The bench's arguments: a suite name, then --name value pairs. Data paths default to ../shared found from the working
/// directory upwards (a folder 'shared' beside it or any folder above it), never from the build folder.
/// </summary>
internal sealed class BenchOptions(string suite, Dictionary<string, string> values)
{
    public string Suite { get; } = suite;

    public string Models => Path("--models", "models");

    public string Images => Path("--images", System.IO.Path.Combine("datasets", "lfw-view2", "images"));

    public string CelebaImages => Path("--celeba", System.IO.Path.Combine("datasets", "celeba-299", "images"));

    public string Videos => Path("--videos", System.IO.Path.Combine("datasets", "video"));

    public int Repeats => Int("--repeats", 5);

    public int InputSize => Int("--input-size", 320);

    public string? Value(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static BenchOptions Parse(string[] args)
    {
        string suite = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = suite == "all" && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? 0 : 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --name value pairs after the suite, got '{args[i]}'.");
            }

            values[args[i]] = args[++i];
        }

        return new BenchOptions(suite, values);
    }

    /// <summary>A data path: given, or under ../shared found from the working directory.</summary>
    private string Path(string name, string underShared)
    {
        if (values.TryGetValue(name, out var given))
        {
            return given;
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { System.IO.Path.Combine(dir.FullName, "shared"), System.IO.Path.Combine(dir.FullName, "..", "shared") })
            {
                if (Directory.Exists(System.IO.Path.Combine(candidate, "models")))
                {
                    return System.IO.Path.GetFullPath(System.IO.Path.Combine(candidate, underShared));
                }
            }
        }

        throw new ArgumentException($"No ../shared found from {Environment.CurrentDirectory} upwards; give {name} PATH.");
    }
}
