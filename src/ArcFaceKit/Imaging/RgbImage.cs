using System.Numerics;

namespace ArcFaceKit.Imaging;

/// <summary>An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Interleaved RGB bytes, Width * Height * 3 of them.</summary>
    public byte[] Pixels { get; }

    /// <summary>A mirror image (left and right swapped), as the flip test needs.</summary>
    public RgbImage FlipHorizontal()
    {
        var result = new RgbImage(Width, Height);
        int stride = Width * 3;
        for (int y = 0; y < Height; y++)
        {
            int row = y * stride;
            for (int x = 0; x < Width; x++)
            {
                int src = row + (x * 3);
                int dst = row + ((Width - 1 - x) * 3);
                result.Pixels[dst] = Pixels[src];
                result.Pixels[dst + 1] = Pixels[src + 1];
                result.Pixels[dst + 2] = Pixels[src + 2];
            }
        }

        return result;
    }

    /// <summary>
    /// Bilinear resize bit-exact with OpenCV's cv2.resize INTER_LINEAR on 8-bit images (11-bit fixed-point weights,
    /// its rounding), so detectors see the pixels their reference pipelines fed them.
    /// </summary>
    public RgbImage Resize(int width, int height)
    {
        if (width == Width && height == Height)
        {
            return this;
        }

        var (xofs, alpha) = LinearTaps(Width, width);
        var xofs1 = Array.ConvertAll(xofs, o => Math.Min(o + 1, Width - 1));
        var (yofs, beta) = LinearTaps(Height, height);
        var result = new RgbImage(width, height);
        int rowLength = width * 3;
        int[] r0 = new int[rowLength], r1 = new int[rowLength];
        int have0 = -1, have1 = -1;
        int vectorEnd = rowLength - (rowLength % 8);
        for (int y = 0; y < height; y++)
        {
            // The two source rows, resampled horizontally; reused while consecutive output rows share them.
            int sy0 = yofs[y], sy1 = Math.Min(sy0 + 1, Height - 1);
            if (have0 != sy0)
            {
                if (have1 == sy0)
                {
                    (r0, r1, have0, have1) = (r1, r0, have1, have0);
                }
                else
                {
                    HorizontalRow(sy0, xofs, xofs1, alpha, r0);
                    have0 = sy0;
                }
            }

            if (have1 != sy1)
            {
                HorizontalRow(sy1, xofs, xofs1, alpha, r1);
                have1 = sy1;
            }

            int b0 = beta[2 * y], b1 = beta[(2 * y) + 1];
            var dst = result.Pixels.AsSpan(y * rowLength, rowLength);
            VerticalPass(r0, r1, b0, b1, dst, vectorEnd);
        }

        return result;
    }

    private const int CoefficientScale = 2048;

    /// <summary>
    /// Blends two horizontally resampled rows into bytes. OpenCV's SIMD path (all but the last few values of a row)
    /// and its scalar tail round differently; both are reproduced.
    /// </summary>
    private static void VerticalPass(int[] r0, int[] r1, int b0, int b1, Span<byte> dst, int vectorEnd)
    {
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

    /// <summary>One source row resampled horizontally, values scaled by 2048.</summary>
    private void HorizontalRow(int sourceRow, int[] xofs, int[] xofs1, int[] alpha, int[] row)
    {
        int src = sourceRow * Width * 3;
        for (int x = 0; x < xofs.Length; x++)
        {
            int s0 = src + (xofs[x] * 3), s1 = src + (xofs1[x] * 3);
            int a0 = alpha[2 * x], a1 = alpha[(2 * x) + 1];
            for (int c = 0; c < 3; c++)
            {
                row[(x * 3) + c] = (Pixels[s0 + c] * a0) + (Pixels[s1 + c] * a1);
            }
        }
    }

    /// <summary>This image at the top-left of a black canvas (letterbox padding to the bottom and right).</summary>
    public RgbImage PadTo(int width, int height)
    {
        if (width < Width || height < Height)
        {
            throw new ArgumentException($"Cannot pad {Width}x{Height} into {width}x{height}.");
        }

        if (width == Width && height == Height)
        {
            return this;
        }

        var result = new RgbImage(width, height);
        for (int y = 0; y < Height; y++)
        {
            Array.Copy(Pixels, y * Width * 3, result.Pixels, y * width * 3, Width * 3);
        }

        return result;
    }

    /// <summary>The pixels of a rectangle, which must lie inside the image.</summary>
    public RgbImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Crop {x},{y} {width}x{height} is outside {Width}x{Height}.");
        }

        var result = new RgbImage(width, height);
        for (int row = 0; row < height; row++)
        {
            Array.Copy(Pixels, (((y + row) * Width) + x) * 3, result.Pixels, row * width * 3, width * 3);
        }

        return result;
    }
}
