namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The ffmpeg processes whose command line matches, for tests that check a stopped analysis stopped its ffmpeg.</summary>
internal static class FfmpegProcesses
{
    /// <summary>Those matching now, or after waiting up to 5 s for them to go: empty as soon as none is left.</summary>
    public static List<int> Gone(Func<string, bool> matches)
    {
        List<int> found = [];
        for (int attempt = 0; attempt < 50; attempt++)
        {
            found = Matching(matches);
            if (found.Count == 0)
            {
                return found;
            }

            Thread.Sleep(100);
        }

        return found;
    }

    public static List<int> Matching(Func<string, bool> matches) =>
        [.. Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : 0)
            .Where(pid => pid > 0 && CommandLine(pid) is { } line && line.Contains("ffmpeg", StringComparison.Ordinal) && matches(line))];

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
