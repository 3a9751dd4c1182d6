using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on ARM64 with the dot product: SDOT multiplies 16 signed stored codes (<see cref="ArmLanes.Signed"/>)
/// by 16 query codes and adds them in fours; the bias is put back at the reduction (<see cref="ArmLanes.Sum4"/>).
/// </summary>
internal readonly struct AdvSimdDpKernel : IInt8Steps<Vector128<int>, Vector128<sbyte>, Vector128<sbyte>>
{
    public static int Step => 16;

    public static bool InFours => false;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(query.Code));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Stored(ref byte stored, nuint at) => ArmLanes.Signed(ref stored, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Query(ref byte query, nuint at) => Vector128.LoadUnsafe(ref query, at).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<sbyte> stored, Vector128<sbyte> query) => Dp.DotProduct(sum, stored, query);

    public static Vector128<int> Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) => ArmLanes.Sum4(query, a0, a1, a2, a3);
}
