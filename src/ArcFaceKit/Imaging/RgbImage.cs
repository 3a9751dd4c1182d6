namespace ArcFaceKit.Imaging;

/// <summary>An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B.</summary>
public sealed class RgbImage
{
    private readonly PixelPool? _pool;
    private byte[]? _pixels;

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
        _pixels = pixels;
    }

    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    /// <summary>An image whose pixels are lent by <paramref name="pool"/>, uninitialised: the caller writes every byte, and <see cref="Return"/> gives them back.</summary>
    private RgbImage(int width, int height, PixelPool pool)
        : this(width, height, pool.Rent(checked(width * height * 3)))
    {
        _pool = pool;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// Interleaved RGB bytes, Width * Height * 3 of them. <see cref="ObjectDisposedException"/> once the image is let go
    /// (the <see cref="DecodedImage"/> it came in was disposed): its array went back for the next photo.
    /// </summary>
    public byte[] Pixels => _pixels ?? LetGo();

    /// <summary>A new image for the caller to fill: with its array from <paramref name="pool"/> when there is one, else its own (black).</summary>
    internal static RgbImage Create(int width, int height, PixelPool? pool) => pool is null ? new RgbImage(width, height) : new RgbImage(width, height, pool);

    /// <summary>
    /// Lets go of the pixels, once: back to the pool that lent them, else to the collector. <see cref="Pixels"/> throws
    /// from then on, so nothing reads an array that another photo is using. The owner calls it (<see cref="DecodedImage"/>,
    /// or the decoder for an intermediate image).
    /// </summary>
    internal void Return()
    {
        if (Interlocked.Exchange(ref _pixels, null) is { } pixels)
        {
            _pool?.Return(pixels);
        }
    }

    /// <summary>Apart, so that <see cref="Pixels"/> stays small enough to inline in pixel loops.</summary>
    private byte[] LetGo() =>
        throw new ObjectDisposedException(nameof(RgbImage), $"This {Width}x{Height} image was let go (its DecodedImage was disposed); its pixels are another photo's now.");

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

        var rows = new ResizedRows(this, width, height);
        var result = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            rows.Write(y, result.Pixels.AsSpan(y * width * 3, width * 3));
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
