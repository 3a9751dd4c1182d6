namespace ArcFaceKit.Training.Data;

/// <summary>Reads labelled photos: one folder per identity, or an "image identity" list (CelebA's identities.txt).</summary>
public static class SourceList
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    public static IReadOnlyList<LabeledImage> FromFolders(string root) =>
        [.. Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.EnumerateFiles(d).Where(f => Extensions.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).Select(f => new LabeledImage(f, System.IO.Path.GetFileName(d))))];

    /// <summary>Lines "file identity" (a header line "image identity" is skipped); files relative to <paramref name="imagesDirectory"/>.</summary>
    public static IReadOnlyList<LabeledImage> FromList(string listFile, string imagesDirectory) =>
        [.. File.ReadLines(listFile).Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && f[0] != "image")
            .Select(f => new LabeledImage(System.IO.Path.Combine(imagesDirectory, f[0]), f[1]))];
}
