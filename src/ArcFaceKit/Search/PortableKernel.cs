using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel in Vector128 operations only, for any CPU .NET runs on: 16 signed stored codes widened to 16 bits
/// times the query widened once (<see cref="QueryCode.Wide"/>; a code times a code fits 16 bits), the products widened
/// to 32 bits and added. Loads, sign flip and bias are the ARM64 kernels' (<see cref="ISignedSteps{TQuery}"/>), so on
/// x86 its test covers theirs but for the multiply.
/// </summary>
internal readonly struct PortableKernel : ISignedSteps<(Vector128<short> Low, Vector128<short> High)>
{
    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<short, byte>(ref MemoryMarshal.GetArrayDataReference(query.Wide));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<short> Low, Vector128<short> High) Query(ref byte query, nuint at)
    {
        ref short wide = ref Unsafe.As<byte, short>(ref query);
        return (Vector128.LoadUnsafe(ref wide, at), Vector128.LoadUnsafe(ref wide, at + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<int> sum, Vector128<sbyte> stored, (Vector128<short> Low, Vector128<short> High) query)
    {
        var (low, high) = Vector128.Widen(stored);
        var (p0, p1) = Vector128.Widen(low * query.Low);
        var (p2, p3) = Vector128.Widen(high * query.High);
        return sum + p0 + p1 + p2 + p3;
    }

    public static Vector128<int> Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
        ISignedSteps<(Vector128<short> Low, Vector128<short> High)>.Rebiased(query, Vector128.Create(Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3)));
}
