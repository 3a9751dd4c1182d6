namespace ArcFaceKit.Training.Tests;

/// <summary>../shared beside the repository (read-only: tests only read it).</summary>
internal static class SharedPaths
{
    public static string Root { get; } = Find();

    public static string Fixture(string relative) => Path.Combine(Root, "fixtures", relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared");
            if (Directory.Exists(Path.Combine(candidate, "fixtures")) && File.Exists(Path.Combine(dir.FullName, "ArcFaceKit.slnx")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException("../shared not found beside the repository.");
    }
}
