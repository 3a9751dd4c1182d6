namespace ArcFaceKit.Clips;

/// <summary>../shared beside the repository: looked for above the working directory and above the program, so `dotnet run` from the repository and the built program both find it.</summary>
internal static class SharedFolder
{
    public static string Find(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(Path.Combine(given, "datasets")) ? Path.GetFullPath(given) : throw new ArgumentException($"{given} has no datasets folder.");
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "..", "shared");
                if (File.Exists(Path.Combine(dir.FullName, "ArcFaceKit.slnx")) && Directory.Exists(Path.Combine(candidate, "datasets")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new ArgumentException("../shared (datasets) was not found beside the repository; give it with --shared DIR.");
    }
}
