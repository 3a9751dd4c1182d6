using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on ARM64 without the dot product: 16 signed stored codes (<see cref="ArmLanes.Signed"/>) by 16 query
/// codes in widening multiplies into eight 16-bit sums of two products (SMULL, SMLAL2; at most 2 x 127 x 127, so they
/// cannot overflow), added in pairs into the 32-bit sums (SADALP); the bias is put back at the reduction.
/// </summary>
internal readonly struct AdvSimdKernel : IInt8Steps<Vector128<int>, Vector128<sbyte>, Vector128<sbyte>>
{
    public static int Step => 16;

    public static bool InFours => false;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(query.Code));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Stored(ref byte stored, nuint at) => ArmLanes.Signed(ref stored, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Query(ref byte query, nuint at) => Vector128.LoadUnsafe(ref query, at).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<sbyte> stored, Vector128<sbyte> query) =>
        AdvSimd.AddPairwiseWideningAndAdd(sum, AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningLower(stored.GetLower(), query.GetLower()), stored, query));

    public static Vector128<int> Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) => ArmLanes.Sum4(query, a0, a1, a2, a3);
}
