using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on ARM64 with the dot product: SDOT multiplies 16 signed stored codes by 16 query codes and adds
/// them in fours (loads, sign flip and bias: <see cref="IArmSteps"/>).
/// </summary>
internal readonly struct AdvSimdDpKernel : IArmSteps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<sbyte> stored, Vector128<sbyte> query) => Dp.DotProduct(sum, stored, query);
}
