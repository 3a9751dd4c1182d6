using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit scan's tiles on one kernel's steps: eight stored vectors by one query, or by two (each stored load feeds
/// two multiply-adds), with one running sum a pair, reduced side by side at the end. Unrolled by hand: the sums must
/// stay in registers (a loop over arrays of them would not). On one core, on AVX-VNNI, eight by two ran about 8%
/// faster than two tiles of four by two and 17% faster than four by two offering four scores at a time (a harness over
/// 200,000 x 512-d codes, not kept); CPUs with sixteen vector registers take four by two twice (<see cref="IInt8Steps{TSum, TStored, TQuery}.InFours"/>).
/// </summary>
internal readonly struct Int8Tile<TSteps, TSum, TStored, TQuery> : IInt8Kernel
    where TSteps : struct, IInt8Steps<TSum, TStored, TQuery>
    where TSum : struct
{
    /// <summary>
    /// Eight stored vectors by one query, each vector read whole before the next: one query is bound by memory, and
    /// reading in address order lets the hardware prefetcher run ahead (stepping through the eight side by side, as a
    /// batch tile does to share its loads, read 4 KB pages out of order and held one core to about 1.4x fp32 on an
    /// AVX-512BW CPU without AVX-VNNI; docs/search.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot8(ref byte stored, nuint stride, QueryCode query)
    {
        ref byte code = ref TSteps.QueryData(query);
        var a0 = Whole(ref stored, stride, ref code);
        var a1 = Whole(ref Unsafe.Add(ref stored, stride), stride, ref code);
        var a2 = Whole(ref Unsafe.Add(ref stored, 2 * stride), stride, ref code);
        var a3 = Whole(ref Unsafe.Add(ref stored, 3 * stride), stride, ref code);
        var a4 = Whole(ref Unsafe.Add(ref stored, 4 * stride), stride, ref code);
        var a5 = Whole(ref Unsafe.Add(ref stored, 5 * stride), stride, ref code);
        var a6 = Whole(ref Unsafe.Add(ref stored, 6 * stride), stride, ref code);
        var a7 = Whole(ref Unsafe.Add(ref stored, 7 * stride), stride, ref code);
        return Vector256.Create(TSteps.Sum4(query, a0, a1, a2, a3), TSteps.Sum4(query, a4, a5, a6, a7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<int> First, Vector256<int> Second) Dot8x2(ref byte stored, nuint stride, QueryCode first, QueryCode second)
    {
        if (TSteps.InFours)
        {
            var (a, b) = Dot4x2(ref stored, stride, first, second);
            var (c, d) = Dot4x2(ref Unsafe.Add(ref stored, 4 * stride), stride, first, second);
            return (Vector256.Create(a, c), Vector256.Create(b, d));
        }

        ref byte one = ref TSteps.QueryData(first);
        ref byte two = ref TSteps.QueryData(second);
        TSum a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        TSum b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (nuint i = 0; i < stride; i += (nuint)TSteps.Step)
        {
            var y = TSteps.Query(ref one, i);
            var z = TSteps.Query(ref two, i);
            var x = TSteps.Stored(ref stored, i);
            (a0, b0) = (TSteps.MultiplyAdd(a0, x, y), TSteps.MultiplyAdd(b0, x, z));
            x = TSteps.Stored(ref stored, i + stride);
            (a1, b1) = (TSteps.MultiplyAdd(a1, x, y), TSteps.MultiplyAdd(b1, x, z));
            x = TSteps.Stored(ref stored, i + (2 * stride));
            (a2, b2) = (TSteps.MultiplyAdd(a2, x, y), TSteps.MultiplyAdd(b2, x, z));
            x = TSteps.Stored(ref stored, i + (3 * stride));
            (a3, b3) = (TSteps.MultiplyAdd(a3, x, y), TSteps.MultiplyAdd(b3, x, z));
            x = TSteps.Stored(ref stored, i + (4 * stride));
            (a4, b4) = (TSteps.MultiplyAdd(a4, x, y), TSteps.MultiplyAdd(b4, x, z));
            x = TSteps.Stored(ref stored, i + (5 * stride));
            (a5, b5) = (TSteps.MultiplyAdd(a5, x, y), TSteps.MultiplyAdd(b5, x, z));
            x = TSteps.Stored(ref stored, i + (6 * stride));
            (a6, b6) = (TSteps.MultiplyAdd(a6, x, y), TSteps.MultiplyAdd(b6, x, z));
            x = TSteps.Stored(ref stored, i + (7 * stride));
            (a7, b7) = (TSteps.MultiplyAdd(a7, x, y), TSteps.MultiplyAdd(b7, x, z));
        }

        return (Vector256.Create(TSteps.Sum4(first, a0, a1, a2, a3), TSteps.Sum4(first, a4, a5, a6, a7)),
            Vector256.Create(TSteps.Sum4(second, b0, b1, b2, b3), TSteps.Sum4(second, b4, b5, b6, b7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> First, Vector128<int> Second) Dot4x2(ref byte stored, nuint stride, QueryCode first, QueryCode second)
    {
        ref byte one = ref TSteps.QueryData(first);
        ref byte two = ref TSteps.QueryData(second);
        TSum a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (nuint i = 0; i < stride; i += (nuint)TSteps.Step)
        {
            var y = TSteps.Query(ref one, i);
            var z = TSteps.Query(ref two, i);
            var x = TSteps.Stored(ref stored, i);
            (a0, b0) = (TSteps.MultiplyAdd(a0, x, y), TSteps.MultiplyAdd(b0, x, z));
            x = TSteps.Stored(ref stored, i + stride);
            (a1, b1) = (TSteps.MultiplyAdd(a1, x, y), TSteps.MultiplyAdd(b1, x, z));
            x = TSteps.Stored(ref stored, i + (2 * stride));
            (a2, b2) = (TSteps.MultiplyAdd(a2, x, y), TSteps.MultiplyAdd(b2, x, z));
            x = TSteps.Stored(ref stored, i + (3 * stride));
            (a3, b3) = (TSteps.MultiplyAdd(a3, x, y), TSteps.MultiplyAdd(b3, x, z));
        }

        return (TSteps.Sum4(first, a0, a1, a2, a3), TSteps.Sum4(second, b0, b1, b2, b3));
    }

    /// <summary>One stored vector's running sum against the query's codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TSum Whole(ref byte stored, nuint stride, ref byte code)
    {
        TSum sum = default;
        for (nuint i = 0; i < stride; i += (nuint)TSteps.Step)
        {
            sum = TSteps.MultiplyAdd(sum, TSteps.Stored(ref stored, i), TSteps.Query(ref code, i));
        }

        return sum;
    }
}
