using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on ARM64 without the dot product: 16 signed stored codes by 16 query codes in widening multiplies
/// into eight 16-bit sums of two products (SMULL, SMLAL2; at most 2 x 127 x 127, so they cannot overflow), added in
/// pairs into the 32-bit sums (SADALP); loads, sign flip and bias: <see cref="IArmSteps"/>.
/// </summary>
internal readonly struct AdvSimdKernel : IArmSteps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<sbyte> stored, Vector128<sbyte> query) =>
        AdvSimd.AddPairwiseWideningAndAdd(sum, AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningLower(stored.GetLower(), query.GetLower()), stored, query));
}
