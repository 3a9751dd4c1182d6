namespace ArcFaceKit.Bench;

internal sealed record BenchOptions(string Suite, string Models, string Images, int Repeats, int InputSize)
{
    public static BenchOptions Parse(string[] args)
    {
        string shared = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../../shared"));
        string suite = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new BenchOptions(
            suite,
            Value("--models", Path.Combine(shared, "models")),
            Value("--images", Path.Combine(shared, "datasets", "lfw-view2", "images")),
            int.Parse(Value("--repeats", "5"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Value("--input-size", "320"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
