using System.Diagnostics;

namespace ArcFaceKit.Training.Cli;

/// <summary>
/// libtorch on glibc's malloc spends much of a training step in page faults; with jemalloc (Debian's libjemalloc2)
/// and this MALLOC_CONF, a MobileFaceNet step ran 1.8x faster here (scripts/train-bench.sh). The command re-runs itself
/// with jemalloc preloaded when the library is installed, unless ARCFACE_NO_JEMALLOC is set.
/// </summary>
internal static class Jemalloc
{
    private const string Library = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
    private const string Config = "oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1";

    /// <summary>The child's exit code when the command was re-run with jemalloc; null to go on in this process.</summary>
    public static int? RunPreloaded(string[] args)
    {
        string preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        if (!OperatingSystem.IsLinux() || !File.Exists(Library) || preload.Contains("jemalloc", StringComparison.Ordinal)
            || Environment.GetEnvironmentVariable("ARCFACE_NO_JEMALLOC") is { Length: > 0 } || Environment.ProcessPath is not { } host)
        {
            return null;
        }

        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Jemalloc).Assembly.Location);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LD_PRELOAD"] = preload.Length == 0 ? Library : $"{Library}:{preload}";
        start.Environment["MALLOC_CONF"] = Config;
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }
}
