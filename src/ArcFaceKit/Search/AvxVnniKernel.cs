using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>The 8-bit kernel on AVX-VNNI: one VPDPBUSD multiplies 32 unsigned stored bytes by 32 signed query bytes and adds them in fours.</summary>
internal readonly struct AvxVnniKernel : IInt8Steps<Vector256<int>, Vector256<byte>, Vector256<sbyte>>
{
    public static int Step => 32;

    public static bool InFours => false;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(query.Code));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Stored(ref byte stored, nuint at) => Vector256.LoadUnsafe(ref stored, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Query(ref byte query, nuint at) => Vector256.LoadUnsafe(ref query, at).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd(Vector256<int> sum, Vector256<byte> stored, Vector256<sbyte> query) => AvxVnni.MultiplyWideningAndAdd(sum, stored, query);

    public static Vector128<int> Sum4(QueryCode query, Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3) => X86Lanes.Sum4(a0, a1, a2, a3);
}
