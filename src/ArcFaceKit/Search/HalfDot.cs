using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ArcFaceKit.Search;

/// <summary>
/// The re-scoring's similarity of a half-precision copy to the query, summed in one fixed order at every vector width:
/// sixteen running sums, element i into sum i mod 16 (each product rounded, then added: no fused multiply-add), folded
/// in halves (8, 4, 2, 1). So the 512-, 256- and 128-bit paths and the scalar one give the same float, and a
/// similarity is the same number on every CPU and with every <see cref="Int8Kernel"/>. The copy is widened to single
/// precision first by TensorPrimitives (exact, so its order does not matter; .NET 10 exposes no F16C or AVX-512 FP16
/// conversion to do it in registers).
/// </summary>
internal static class HalfDot
{
    private const int Lanes = 16;

    /// <param name="copy">The half-precision copy.</param>
    /// <param name="query">The query, as long as the copy.</param>
    /// <param name="width">512, 256 or 128 bits a step (<see cref="Int8Kernels.RescoreWidth"/>), or 0 for scalar.</param>
    public static float Dot(ReadOnlySpan<Half> copy, ReadOnlySpan<float> query, int width)
    {
        Span<float> vector = copy.Length <= 1024 ? stackalloc float[copy.Length] : new float[copy.Length];
        TensorPrimitives.ConvertToSingle(copy, vector);
        Span<float> sums = stackalloc float[Lanes];
        int done = width switch
        {
            512 => Wide512(vector, query, sums),
            256 => Wide256(vector, query, sums),
            128 => Wide128(vector, query, sums),
            _ => 0,
        };
        for (int i = done; i < vector.Length; i++)
        {
            sums[i % Lanes] += vector[i] * query[i];
        }

        for (int half = Lanes / 2; half > 0; half /= 2)
        {
            for (int j = 0; j < half; j++)
            {
                sums[j] += sums[j + half];
            }
        }

        return sums[0];
    }

    /// <summary>The sixteen sums over whole steps of sixteen elements; returns the elements done.</summary>
    private static int Wide512(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> sums)
    {
        ref float x = ref MemoryMarshal.GetReference(a), y = ref MemoryMarshal.GetReference(b);
        var s = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + Lanes <= (nuint)a.Length; i += Lanes)
        {
            s += Vector512.LoadUnsafe(ref x, i) * Vector512.LoadUnsafe(ref y, i);
        }

        s.CopyTo(sums);
        return (int)i;
    }

    private static int Wide256(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> sums)
    {
        ref float x = ref MemoryMarshal.GetReference(a), y = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = default, s1 = default;
        nuint i = 0;
        for (; i + Lanes <= (nuint)a.Length; i += Lanes)
        {
            s0 += Vector256.LoadUnsafe(ref x, i) * Vector256.LoadUnsafe(ref y, i);
            s1 += Vector256.LoadUnsafe(ref x, i + 8) * Vector256.LoadUnsafe(ref y, i + 8);
        }

        s0.CopyTo(sums);
        s1.CopyTo(sums[8..]);
        return (int)i;
    }

    private static int Wide128(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> sums)
    {
        ref float x = ref MemoryMarshal.GetReference(a), y = ref MemoryMarshal.GetReference(b);
        Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
        nuint i = 0;
        for (; i + Lanes <= (nuint)a.Length; i += Lanes)
        {
            s0 += Vector128.LoadUnsafe(ref x, i) * Vector128.LoadUnsafe(ref y, i);
            s1 += Vector128.LoadUnsafe(ref x, i + 4) * Vector128.LoadUnsafe(ref y, i + 4);
            s2 += Vector128.LoadUnsafe(ref x, i + 8) * Vector128.LoadUnsafe(ref y, i + 8);
            s3 += Vector128.LoadUnsafe(ref x, i + 12) * Vector128.LoadUnsafe(ref y, i + 12);
        }

        s0.CopyTo(sums);
        s1.CopyTo(sums[4..]);
        s2.CopyTo(sums[8..]);
        s3.CopyTo(sums[12..]);
        return (int)i;
    }
}
