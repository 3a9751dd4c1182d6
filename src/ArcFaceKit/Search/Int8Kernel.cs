namespace ArcFaceKit.Search;

/// <summary>
/// The instruction sets the 8-bit scan has a kernel for, best first (<see cref="Int8Kernels.Best"/> takes the first the
/// CPU has). Every kernel gives the same integers, so the choice changes speed, never a score.
/// </summary>
internal enum Int8Kernel
{
    /// <summary>AVX-VNNI, 256-bit: one VPDPBUSD multiplies and adds 32 byte pairs.</summary>
    AvxVnni,

    /// <summary>AVX-512BW: codes widened to 16 bits, VPMADDWD on 512 bits (CPUs with only the 512-bit VNNI, which .NET 10 cannot emit).</summary>
    Avx512BW,

    /// <summary>AVX2 without VNNI: codes widened to 16 bits, VPMADDWD on 256 bits.</summary>
    Avx2,

    /// <summary>ARM64 dot product (SDOT, Armv8.2-A and later: Graviton 2+, Ampere, Apple).</summary>
    AdvSimdDp,

    /// <summary>ARM64 without the dot product: widening multiplies (SMULL, SMLAL2) and pairwise widening adds (SADALP).</summary>
    AdvSimd,

    /// <summary>Vector128 operations only: any CPU .NET runs on.</summary>
    Portable,
}
