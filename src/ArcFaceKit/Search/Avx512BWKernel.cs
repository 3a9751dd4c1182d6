using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit kernel on AVX-512BW without a VNNI .NET can emit (.NET 10 has no 512-bit VPDPBUSD): 32 stored bytes
/// zero-extended to 16 bits (VPMOVZXBW) times the query widened once (<see cref="QueryCode.Wide"/>), multiplied and
/// added in pairs on 512 bits (VPMADDWD). Exact: a byte times a code fits 16 bits, a pair's sum 32 (VPMADDUBSW on the
/// bytes would saturate).
/// </summary>
internal readonly struct Avx512BWKernel : IInt8Steps<Vector512<int>, Vector512<short>, Vector512<short>>
{
    public static int Step => 32;

    public static bool InFours => false;

    public static ref byte QueryData(QueryCode query) => ref Unsafe.As<short, byte>(ref MemoryMarshal.GetArrayDataReference(query.Wide));

    /// <summary>32 stored codes as 16-bit lanes (the load folds into VPMOVZXBW).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Stored(ref byte stored, nuint at) => Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref stored, at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Query(ref byte query, nuint at) => Vector512.LoadUnsafe(ref Unsafe.As<byte, short>(ref query), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAdd(Vector512<int> sum, Vector512<short> stored, Vector512<short> query) => sum + Avx512BW.MultiplyAddAdjacent(stored, query);

    /// <summary>Each sum's halves added, then reduced as on 256 bits.</summary>
    public static Vector128<int> Sum4(QueryCode query, Vector512<int> a0, Vector512<int> a1, Vector512<int> a2, Vector512<int> a3) =>
        X86Lanes.Sum4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
}
