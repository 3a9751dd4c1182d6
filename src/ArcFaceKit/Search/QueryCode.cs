using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Search;

/// <summary>
/// A query as the 8-bit scan reads it: its codes as bytes (for the kernels that multiply bytes) and widened to 16 bits
/// (for those that multiply 16-bit lanes; widened once here rather than in every tile), their sum, its scale, the
/// error bound of an approximate score, and the exact vector the candidates are re-scored against.
/// </summary>
internal sealed class QueryCode
{
    private QueryCode(sbyte[] code, short[] wide, int sum, float scale, float bound, float[] exact)
    {
        Code = code;
        Wide = wide;
        Sum = sum;
        Scale = scale;
        Bound = bound;
        Exact = exact;
    }

    public sbyte[] Code { get; }

    public short[] Wide { get; }

    public int Sum { get; }

    public float Scale { get; }

    public float Bound { get; }

    public float[] Exact { get; }

    /// <param name="query">The query, of the index's dimension.</param>
    /// <param name="stride">Code bytes a vector (<see cref="Int8Codes.Stride"/>).</param>
    /// <param name="largestScale">The largest scale of any stored vector.</param>
    public static QueryCode Encode(float[] query, int stride, float largestScale)
    {
        var code = new sbyte[stride];
        float scale = Int8Codes.Quantize(query, MemoryMarshal.AsBytes(code.AsSpan()), bias: 0);
        var wide = new short[stride];
        int sum = 0;
        for (int i = 0; i < stride; i++)
        {
            wide[i] = code[i];
            sum += code[i];
        }

        // |approximate - re-scored| for any stored unit vector x (components at most 127 scales): the query's rounding
        // against |x|_1 <= sqrt(d), the vector's against |q|_1, both together, and the half-precision copy's rounding.
        int dimension = query.Length;
        float mass = TensorPrimitives.SumOfMagnitudes(query);
        float bound = (scale / 2 * MathF.Sqrt(dimension)) + (largestScale / 2 * mass)
            + (dimension * scale * largestScale / 4) + (mass * largestScale * 127 / 2048);
        return new QueryCode(code, wide, sum, scale, bound, query);
    }
}
