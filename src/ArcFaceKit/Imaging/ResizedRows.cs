using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Imaging;

/// <summary>
/// The rows of a bilinear resize, bit-exact with OpenCV's cv2.resize INTER_LINEAR on 8-bit images (11-bit fixed-point
/// weights, its rounding), written one at a time where the caller wants them: into an image (<see cref="RgbImage.Resize"/>)
/// or straight into a model's input (<see cref="Models.InputContract"/>), so a detector's letterboxed input needs no
/// resized or padded copy of the photo. Each output row blends two horizontally resampled source rows, which are kept
/// while consecutive rows share them (rows are cheapest written top to bottom).
/// </summary>
internal sealed class ResizedRows
{
    private const int CoefficientScale = 2048;

    private readonly RgbImage _source;
    private readonly int[] _yofs, _beta;

    // For each output value (pixel and channel): the two source bytes it blends and their weights, flat, so a row is
    // one loop of two loads and two multiply-adds.
    private readonly int[] _first, _second, _firstWeight, _secondWeight;
    private int[] _r0, _r1;
    private int _have0 = -1, _have1 = -1;

    public ResizedRows(RgbImage source, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        _source = source;
        Width = width;
        Height = height;
        (_yofs, _beta) = LinearTaps(source.Height, height);
        var (xofs, alpha) = LinearTaps(source.Width, width);
        int values = width * 3;
        (_first, _second, _firstWeight, _secondWeight) = (new int[values], new int[values], new int[values], new int[values]);
        for (int x = 0; x < width; x++)
        {
            int s0 = xofs[x] * 3, s1 = Math.Min(xofs[x] + 1, source.Width - 1) * 3;
            for (int c = 0; c < 3; c++)
            {
                int i = (x * 3) + c;
                (_first[i], _second[i], _firstWeight[i], _secondWeight[i]) = (s0 + c, s1 + c, alpha[2 * x], alpha[(2 * x) + 1]);
            }
        }

        (_r0, _r1) = (new int[values], new int[values]);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Output row <paramref name="y"/> as interleaved RGB bytes into the first Width * 3 bytes of <paramref name="destination"/>.</summary>
    public void Write(int y, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        int sy0 = _yofs[y], sy1 = Math.Min(sy0 + 1, _source.Height - 1);
        if (_have0 != sy0)
        {
            if (_have1 == sy0)
            {
                (_r0, _r1, _have0, _have1) = (_r1, _r0, _have1, _have0);
            }
            else
            {
                Horizontal(sy0, _r0);
                _have0 = sy0;
            }
        }

        if (_have1 != sy1)
        {
            Horizontal(sy1, _r1);
            _have1 = sy1;
        }

        Vertical(_r0, _r1, _beta[2 * y], _beta[(2 * y) + 1], destination[..(Width * 3)]);
    }

    /// <summary>One source row resampled horizontally, values scaled by 2048.</summary>
    private void Horizontal(int sourceRow, int[] row)
    {
        // Every offset is below the source's width * 3 (built from it), so the row is read unchecked.
        ref byte src = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_source.Pixels), sourceRow * _source.Width * 3);
        ref int first = ref MemoryMarshal.GetArrayDataReference(_first), second = ref MemoryMarshal.GetArrayDataReference(_second);
        ref int w0 = ref MemoryMarshal.GetArrayDataReference(_firstWeight), w1 = ref MemoryMarshal.GetArrayDataReference(_secondWeight);
        ref int dst = ref MemoryMarshal.GetArrayDataReference(row);
        for (nint i = 0; i < row.Length; i++)
        {
            Unsafe.Add(ref dst, i) = (Unsafe.Add(ref src, Unsafe.Add(ref first, i)) * Unsafe.Add(ref w0, i))
                + (Unsafe.Add(ref src, Unsafe.Add(ref second, i)) * Unsafe.Add(ref w1, i));
        }
    }

    /// <summary>
    /// Blends two horizontally resampled rows into bytes. OpenCV's SIMD path (all but the last few values of a row)
    /// and its scalar tail round differently; both are reproduced.
    /// </summary>
    private static void Vertical(int[] r0, int[] r1, int b0, int b1, Span<byte> dst)
    {
        int vectorEnd = dst.Length - (dst.Length % 8);
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<int> vb0 = new(b0), vb1 = new(b1), two = new(2), max = new(255);
            Vector<int> Blend(int at) => Vector.Min(Vector.Max((Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(new Vector<int>(r0, at), 4) * vb0, 16)
                + Vector.ShiftRightArithmetic(Vector.ShiftRightArithmetic(new Vector<int>(r1, at), 4) * vb1, 16) + two) >> 2, Vector<int>.Zero), max);
            int n = Vector<int>.Count;
            for (; x <= vectorEnd - (4 * n); x += 4 * n)
            {
                // Values are clamped to 0..255, so plain narrowing int -> ushort -> byte is exact.
                var low = Vector.AsVectorUInt16(Vector.Narrow(Blend(x), Blend(x + n)));
                var high = Vector.AsVectorUInt16(Vector.Narrow(Blend(x + (2 * n)), Blend(x + (3 * n))));
                Vector.Narrow(low, high).CopyTo(dst[x..]);
            }
        }

        for (; x < vectorEnd; x++)
        {
            dst[x] = (byte)Math.Clamp(((((r0[x] >> 4) * b0) >> 16) + (((r1[x] >> 4) * b1) >> 16) + 2) >> 2, 0, 255);
        }

        for (; x < dst.Length; x++)
        {
            dst[x] = (byte)Math.Clamp(((b0 * r0[x]) + (b1 * r1[x]) + (1 << 21)) >> 22, 0, 255);
        }
    }

    /// <summary>Source index and the two 11-bit weights of each destination column or row (OpenCV resize.cpp).</summary>
    private static (int[] Offsets, int[] Weights) LinearTaps(int source, int destination)
    {
        double scale = (double)source / destination;
        var offsets = new int[destination];
        var weights = new int[destination * 2];
        for (int d = 0; d < destination; d++)
        {
            float f = (float)(((d + 0.5) * scale) - 0.5);
            int s = (int)MathF.Floor(f);
            f -= s;
            if (s < 0)
            {
                f = 0;
                s = 0;
            }

            if (s >= source - 1)
            {
                f = 0;
                s = source - 1;
            }

            offsets[d] = s;
            weights[2 * d] = (int)MathF.Round((1f - f) * CoefficientScale, MidpointRounding.ToEven);
            weights[(2 * d) + 1] = (int)MathF.Round(f * CoefficientScale, MidpointRounding.ToEven);
        }

        return (offsets, weights);
    }
}
