using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdvSimdDpTile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.AdvSimdDpKernel, System.Runtime.Intrinsics.Vector128<int>, System.Runtime.Intrinsics.Vector128<sbyte>, System.Runtime.Intrinsics.Vector128<sbyte>>;
using AdvSimdTile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.AdvSimdKernel, System.Runtime.Intrinsics.Vector128<int>, System.Runtime.Intrinsics.Vector128<sbyte>, System.Runtime.Intrinsics.Vector128<sbyte>>;
using Avx2Tile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.Avx2Kernel, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<short>, System.Runtime.Intrinsics.Vector256<short>>;
using Avx512BWTile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.Avx512BWKernel, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<short>, System.Runtime.Intrinsics.Vector512<short>>;
using AvxVnniTile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.AvxVnniKernel, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<byte>, System.Runtime.Intrinsics.Vector256<sbyte>>;
using PortableTile = ArcFaceKit.Search.Int8Tile<ArcFaceKit.Search.PortableKernel, System.Runtime.Intrinsics.Vector128<int>, System.Runtime.Intrinsics.Vector128<sbyte>, (System.Runtime.Intrinsics.Vector128<short> Low, System.Runtime.Intrinsics.Vector128<short> High)>;

namespace ArcFaceKit.Search;

/// <summary>
/// The 8-bit scan of a range of slots on one kernel: eight stored vectors a step, by two queries a step in a batch
/// (each code load feeds two multiply-adds, a batch being bound by arithmetic) and by one alone, and eight scores
/// compared with the worst kept in one instruction. Generic over the kernel, so each kernel's scan is compiled with it
/// inlined; <see cref="Run"/> picks the instantiation.
/// </summary>
internal static class Int8Scan
{
    /// <summary>
    /// Offers slots [from, to) to each query's candidates. Reads the codes and scales of up to seven slots past
    /// <paramref name="to"/> (the index keeps room for them) and offers none of those.
    /// </summary>
    public static void Run(Int8Kernel kernel, byte[] codes, float[] scales, int stride, int from, int to, QueryCode[] queries, Candidates[] candidates)
    {
        switch (kernel)
        {
            case Int8Kernel.AvxVnni: Run<AvxVnniTile>(codes, scales, stride, from, to, queries, candidates); break;
            case Int8Kernel.Avx512BW: Run<Avx512BWTile>(codes, scales, stride, from, to, queries, candidates); break;
            case Int8Kernel.Avx2: Run<Avx2Tile>(codes, scales, stride, from, to, queries, candidates); break;
            case Int8Kernel.AdvSimdDp: Run<AdvSimdDpTile>(codes, scales, stride, from, to, queries, candidates); break;
            case Int8Kernel.AdvSimd: Run<AdvSimdTile>(codes, scales, stride, from, to, queries, candidates); break;
            default: Run<PortableTile>(codes, scales, stride, from, to, queries, candidates); break;
        }
    }

    /// <summary>
    /// The kernel's tile of eight stored vectors by two queries, <paramref name="rounds"/> times over the same codes (in
    /// the core's first-level cache): the multiply-add rate a batch scan on this kernel can reach, as the bench probes
    /// it. Returns a sum of the dot products, so the work cannot be left out.
    /// </summary>
    public static int RepeatTile(Int8Kernel kernel, byte[] stored, int stride, QueryCode first, QueryCode second, int rounds) => kernel switch
    {
        Int8Kernel.AvxVnni => RepeatTile<AvxVnniTile>(stored, stride, first, second, rounds),
        Int8Kernel.Avx512BW => RepeatTile<Avx512BWTile>(stored, stride, first, second, rounds),
        Int8Kernel.Avx2 => RepeatTile<Avx2Tile>(stored, stride, first, second, rounds),
        Int8Kernel.AdvSimdDp => RepeatTile<AdvSimdDpTile>(stored, stride, first, second, rounds),
        Int8Kernel.AdvSimd => RepeatTile<AdvSimdTile>(stored, stride, first, second, rounds),
        _ => RepeatTile<PortableTile>(stored, stride, first, second, rounds),
    };

    private static void Run<TKernel>(byte[] codes, float[] scales, int stride, int from, int to, QueryCode[] queries, Candidates[] candidates)
        where TKernel : struct, IInt8Kernel
    {
        ref byte all = ref MemoryMarshal.GetArrayDataReference(codes);
        nuint step = (nuint)stride;
        for (int slot = from; slot < to; slot += 8)
        {
            ref byte stored = ref Unsafe.Add(ref all, (nint)slot * stride);
            var scaled = Vector256.LoadUnsafe(ref scales[slot]);
            int valid = Math.Min(8, to - slot);
            int q = 0;
            for (; q + 2 <= queries.Length; q += 2)
            {
                var (first, second) = TKernel.Dot8x2(ref stored, step, queries[q], queries[q + 1]);
                Offer8(candidates[q], slot, valid, queries[q], first, scaled);
                Offer8(candidates[q + 1], slot, valid, queries[q + 1], second, scaled);
            }

            if (q < queries.Length)
            {
                Offer8(candidates[q], slot, valid, queries[q], TKernel.Dot8(ref stored, step, queries[q]), scaled);
            }
        }
    }

    /// <summary>Offers the first <paramref name="valid"/> of eight consecutive slots' approximate scores (the dot products unbiased and scaled), skipping all in one compare when none reaches the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer8(Candidates top, int slot, int valid, QueryCode query, Vector256<int> dots, Vector256<float> scales)
    {
        var scores = Vector256.ConvertToSingle(dots - Vector256.Create(Int8Codes.Bias * query.Sum)) * query.Scale * scales;
        if (Vector256.GreaterThanOrEqualAny(scores, Vector256.Create(top.Threshold)))
        {
            for (int j = 0; j < valid; j++)
            {
                top.Offer(slot + j, scores.GetElement(j));
            }
        }
    }

    private static int RepeatTile<TKernel>(byte[] stored, int stride, QueryCode first, QueryCode second, int rounds)
        where TKernel : struct, IInt8Kernel
    {
        var sum = Vector256<int>.Zero;
        for (int r = 0; r < rounds; r++)
        {
            var (a, b) = TKernel.Dot8x2(ref MemoryMarshal.GetArrayDataReference(stored), (nuint)stride, first, second);
            sum += a ^ b;
        }

        return Vector256.Sum(sum);
    }
}
