namespace ArcFaceKit.TestSupport;

/// <summary>../shared beside the repository (models, datasets, fixtures; read-only: tests only read it). Linked into every test project.</summary>
internal static class SharedRoot
{
    public static string Path { get; } = Find();

    public static string Fixture(string relative) => System.IO.Path.Combine(Path, "fixtures", relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "..", "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "models")) && File.Exists(System.IO.Path.Combine(dir.FullName, "ArcFaceKit.slnx")))
            {
                return System.IO.Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException("../shared (models, datasets, fixtures) not found beside the repository.");
    }
}
