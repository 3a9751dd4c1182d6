using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel in Vector128 operations only, for any CPU .NET runs on: 16 stored codes widened to 16 bits times
/// the query widened once (<see cref="QueryCode.Wide"/>; a byte times a code fits 16 bits), the products widened to 32
/// bits and added.
/// </summary>
internal readonly struct PortableKernel : IInt8Steps<Vector128<int>, Vector128<byte>, (Vector128<short> Low, Vector128<short> High)>
{
    public static int Step => 16;

    public static bool InFours => false;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<short, byte>(ref MemoryMarshal.GetArrayDataReference(query.Wide));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Stored(ref byte stored, nuint at) => Vector128.LoadUnsafe(ref stored, at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<short> Low, Vector128<short> High) Query(ref byte query, nuint at)
    {
        ref short wide = ref Unsafe.As<byte, short>(ref query);
        return (Vector128.LoadUnsafe(ref wide, at), Vector128.LoadUnsafe(ref wide, at + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<byte> stored, (Vector128<short> Low, Vector128<short> High) query)
    {
        var (low, high) = Vector128.Widen(stored);
        var (p0, p1) = Vector128.Widen(low.AsInt16() * query.Low);
        var (p2, p3) = Vector128.Widen(high.AsInt16() * query.High);
        return sum + p0 + p1 + p2 + p3;
    }

    public static Vector128<int> Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
        Vector128.Create(Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3));
}
