namespace ArcFaceKit.TestSupport;

/// <summary>../shared beside the repository (models, datasets, fixtures; read-only: tests only read it). Linked into every test project.</summary>
internal static class SharedRoot
{
    private static readonly (string Shared, string Repository) Roots = Find();

    public static string Path => Roots.Shared;

    /// <summary>The repository ../shared sits beside (where ArcFaceKit.slnx is): for tests of files it keeps, such as the result files behind docs/training.md's tables.</summary>
    public static string Repository => Roots.Repository;

    public static string Fixture(string relative) => System.IO.Path.Combine(Path, "fixtures", relative);

    private static (string Shared, string Repository) Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "..", "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "models")) && File.Exists(System.IO.Path.Combine(dir.FullName, "ArcFaceKit.slnx")))
            {
                return (System.IO.Path.GetFullPath(candidate), dir.FullName);
            }
        }

        throw new InvalidOperationException("../shared (models, datasets, fixtures) not found beside the repository.");
    }
}
