using SkiaSharp;

namespace ArcFaceKit.Reports;

/// <summary>
/// A sans-serif typeface for labels. Skia's dependency-free Linux build has no fontconfig, so its default typeface
/// draws nothing: look for a TrueType file in the usual font folders (DejaVu on Debian: fonts-dejavu-core).
/// </summary>
public static class Fonts
{
    private static readonly string[] Preferred = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf", "Helvetica.ttc"];
    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    public static SKTypeface Sans => Loaded.Value;

    private static SKTypeface Load()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders =
        [
            "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".fonts"), Path.Combine(home, ".local/share/fonts"),
            Environment.GetFolderPath(Environment.SpecialFolder.Fonts), "/System/Library/Fonts", "/Library/Fonts",
        ];
        var files = folders.Where(d => d.Length > 0 && Directory.Exists(d))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.tt?", SearchOption.AllDirectories)).ToList();
        foreach (var name in Preferred)
        {
            if (files.FirstOrDefault(f => Path.GetFileName(f) == name) is { } file && SKTypeface.FromFile(file) is { } typeface)
            {
                return typeface;
            }
        }

        return files.Select(f => SKTypeface.FromFile(f)).FirstOrDefault(t => t is not null) ?? SKTypeface.Default;
    }
}
