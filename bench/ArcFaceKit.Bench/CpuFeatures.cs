using System.Runtime.InteropServices;
using ArcFaceKit.Search;

namespace ArcFaceKit.Bench;

/// <summary>What the CPU offers the 8-bit search: its name and the instruction-set flags the kernels depend on, and the kernels it runs.</summary>
internal static class CpuFeatures
{
    // x86 flags (/proc/cpuinfo "flags") and ARM64 ones ("Features") that decide which kernel runs and how fast.
    private static readonly string[] Relevant = ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx512_fp16", "avx10", "asimd", "asimddp", "fphp", "sve"];

    /// <summary>One line: the CPU's model and relevant flags (Linux), the kernels it runs and the one searches run by default.</summary>
    public static string Describe()
    {
        string model = RuntimeInformation.ProcessArchitecture.ToString(), flags = "flags not read (no /proc/cpuinfo)";
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadAllLines("/proc/cpuinfo");
            model = Field(lines, "model name") ?? (Field(lines, "CPU part") is { } part ? $"{model}, part {part}" : model);
            var present = (Field(lines, "flags") ?? Field(lines, "Features") ?? "").Split(' ').ToHashSet(StringComparer.Ordinal);
            flags = string.Join(' ', Relevant.Where(present.Contains));
        }

        string forced = Environment.GetEnvironmentVariable(Int8Kernels.Variable) is { Length: > 0 } name ? $"{Int8Kernels.Variable}={name}" : $"{Int8Kernels.Variable} unset";
        return $"CPU {model} ({flags}); 8-bit kernels it runs: {string.Join(", ", Int8Kernels.Supported)}; searches run {Int8Kernels.Default} ({forced})";
    }

    private static string? Field(string[] lines, string name) =>
        lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
}
