using System.Numerics.Tensors;

namespace ArcFaceKit.Search;

/// <summary>The 8-bit codes of the scan: symmetric, one scale a vector, each vector padded to whole SIMD loads.</summary>
internal static class Int8Codes
{
    /// <summary>Stored codes are unsigned: the signed code plus this, so the padding (this) multiplies a query's zero padding to nothing.</summary>
    public const int Bias = 128;

    /// <summary>Code bytes a vector: the dimension rounded up to whole 32-byte loads (every kernel's step divides it).</summary>
    public static int Stride(int dimension) => (dimension + 31) / 32 * 32;

    /// <summary>Symmetric 8-bit codes (-127..127, plus <paramref name="bias"/>) and the scale that maps them back.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<byte> codes, int bias)
    {
        float largest = Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        float scale = largest > 0 ? largest / 127 : 1;
        codes.Fill((byte)bias);
        for (int i = 0; i < vector.Length; i++)
        {
            codes[i] = (byte)(Math.Clamp((int)MathF.Round(vector[i] / scale), -127, 127) + bias);
        }

        return scale;
    }
}
