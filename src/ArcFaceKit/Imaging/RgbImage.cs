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

    /// <summary>Bilinear resize with pixel centres aligned (OpenCV INTER_LINEAR convention).</summary>
    public RgbImage Resize(int width, int height)
    {
        if (width == Width && height == Height)
        {
            return this;
        }

        var result = new RgbImage(width, height);
        float sx = (float)Width / width;
        float sy = (float)Height / height;
        var x0s = new int[width];
        var x1s = new int[width];
        var wxs = new float[width];
        for (int x = 0; x < width; x++)
        {
            float fx = Math.Max(((x + 0.5f) * sx) - 0.5f, 0f);
            int x0 = Math.Min((int)fx, Width - 1);
            x0s[x] = x0 * 3;
            x1s[x] = Math.Min(x0 + 1, Width - 1) * 3;
            wxs[x] = fx - x0;
        }

        int srcStride = Width * 3;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Max(((y + 0.5f) * sy) - 0.5f, 0f);
            int y0 = Math.Min((int)fy, Height - 1);
            int y1 = Math.Min(y0 + 1, Height - 1);
            float wy = fy - y0;
            int r0 = y0 * srcStride;
            int r1 = y1 * srcStride;
            int dst = y * width * 3;
            for (int x = 0; x < width; x++)
            {
                float wx = wxs[x];
                for (int c = 0; c < 3; c++)
                {
                    float top = Pixels[r0 + x0s[x] + c] + ((Pixels[r0 + x1s[x] + c] - Pixels[r0 + x0s[x] + c]) * wx);
                    float bottom = Pixels[r1 + x0s[x] + c] + ((Pixels[r1 + x1s[x] + c] - Pixels[r1 + x0s[x] + c]) * wx);
                    result.Pixels[dst++] = (byte)Math.Clamp((int)MathF.Round(top + ((bottom - top) * wy)), 0, 255);
                }
            }
        }

        return result;
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
