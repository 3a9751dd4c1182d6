using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on AVX2 without VNNI: 16 stored bytes zero-extended to 16 bits (VPMOVZXBW) times the query widened
/// once (<see cref="QueryCode.Wide"/>), multiplied and added in pairs (VPMADDWD). Exact: a byte times a code fits 16
/// bits, a pair's sum 32 (VPMADDUBSW on the bytes would saturate). Tiles of two queries run in fours: an AVX2 CPU
/// without AVX-512 has sixteen vector registers.
/// </summary>
internal readonly struct Avx2Kernel : IInt8Steps<Vector256<int>, Vector256<short>, Vector256<short>>
{
    public static int Step => 16;

    public static bool InFours => true;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<short, byte>(ref MemoryMarshal.GetArrayDataReference(query.Wide));

    /// <summary>16 stored codes as 16-bit lanes (the load folds into VPMOVZXBW).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Stored(ref byte stored, nuint at) => Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref stored, at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Query(ref byte query, nuint at) => Vector256.LoadUnsafe(ref Unsafe.As<byte, short>(ref query), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd(Vector256<int> sum, Vector256<short> stored, Vector256<short> query) => sum + Avx2.MultiplyAddAdjacent(stored, query);

    public static Vector128<int> Sum4(QueryCode query, Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3) => X86Lanes.Sum4(a0, a1, a2, a3);
}
