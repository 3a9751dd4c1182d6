using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>The reduction the x86 kernels share.</summary>
internal static class X86Lanes
{
    /// <summary>Four accumulators' sums: three horizontal adds and one add of halves instead of four full reductions.</summary>
    public static Vector128<int> Sum4(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3)
    {
        // The four vectors' sums of their lower 128 bits, then of their upper 128 bits.
        var halves = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
        return halves.GetLower() + halves.GetUpper();
    }
}
