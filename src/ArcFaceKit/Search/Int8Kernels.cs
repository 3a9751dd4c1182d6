using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>
/// Which <see cref="Int8Kernel"/> a scan runs: the best the CPU has, unless ARCFACEKIT_INT8_KERNEL names one (for tests
/// and benches that measure or check each kernel, and for a deployment that wants one pinned).
/// </summary>
internal static class Int8Kernels
{
    public const string Variable = "ARCFACEKIT_INT8_KERNEL";

    private static readonly Lazy<Int8Kernel> Configured = new(() => Named(Environment.GetEnvironmentVariable(Variable)));

    /// <summary>The kernels this CPU can run, best first.</summary>
    public static IReadOnlyList<Int8Kernel> Supported { get; } = [.. Enum.GetValues<Int8Kernel>().Where(IsSupported)];

    /// <summary>The fastest kernel this CPU can run.</summary>
    public static Int8Kernel Best => Supported[0];

    /// <summary>The kernel a new index runs: the one ARCFACEKIT_INT8_KERNEL names, else <see cref="Best"/>.</summary>
    public static Int8Kernel Default => Configured.Value;

    /// <summary>The kernel a setting names (<see cref="Parse"/>, <see cref="Checked"/>), or <see cref="Best"/> when it names none.</summary>
    public static Int8Kernel Named(string? setting) => setting is { Length: > 0 } name ? Checked(Parse(name)) : Best;

    public static bool IsSupported(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.AvxVnni => AvxVnni.IsSupported,
        Int8Kernel.Avx512BW => Avx512BW.IsSupported,
        Int8Kernel.Avx2 => Avx2.IsSupported,
        Int8Kernel.AdvSimdDp => Dp.IsSupported && AdvSimd.Arm64.IsSupported,
        Int8Kernel.AdvSimd => AdvSimd.Arm64.IsSupported,
        Int8Kernel.Portable => true,
        _ => false,
    };

    /// <summary>The kernel, or PlatformNotSupportedException when this CPU cannot run it (a forced kernel fails at once, not at the first search).</summary>
    public static Int8Kernel Checked(Int8Kernel kernel) => IsSupported(kernel)
        ? kernel
        : throw new PlatformNotSupportedException($"This CPU cannot run the {kernel} 8-bit kernel; it runs {string.Join(", ", Supported)}.");

    /// <summary>A kernel by its name, any case (AvxVnni, Avx512BW, Avx2, AdvSimdDp, AdvSimd, Portable).</summary>
    public static Int8Kernel Parse(string name) => Enum.TryParse<Int8Kernel>(name, ignoreCase: true, out var kernel) && Enum.IsDefined(kernel)
        ? kernel
        : throw new ArgumentException($"No 8-bit kernel is called '{name}'; there are {string.Join(", ", Enum.GetNames<Int8Kernel>())}.", nameof(name));

    /// <summary>
    /// The width the half-precision re-scoring runs at with this kernel: every width sums in the same order, so all give
    /// the same floats (<see cref="HalfDot"/>).
    /// </summary>
    public static int RescoreWidth(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.Avx512BW => 512,
        Int8Kernel.AvxVnni or Int8Kernel.Avx2 => 256,
        _ => Vector128.IsHardwareAccelerated ? 128 : 0,
    };
}
