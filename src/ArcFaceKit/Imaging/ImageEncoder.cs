using SkiaSharp;

namespace ArcFaceKit.Imaging;

/// <summary>Writes RGB images as PNG; the Skia conversions for drawing are internal (the reports and training draw), so SkiaSharp stays out of the public API.</summary>
public static class ImageEncoder
{
    public static void WritePng(RgbImage image, string path)
    {
        using var bitmap = ToBitmap(image);
        WritePng(bitmap, path);
    }

    /// <summary>Writes what was drawn on a surface (plots) as PNG.</summary>
    internal static void WritePng(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var bitmap = SKBitmap.FromImage(image);
        WritePng(bitmap, path);
    }

    /// <summary>PNG bytes of an image (stored face crops).</summary>
    public static byte[] EncodePng(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>JPEG bytes of an image (a camera's recent frame, which the page refreshes often: a tenth of a PNG's size).</summary>
    internal static byte[] EncodeJpeg(RgbImage image, int quality) => Encode(image, SKEncodedImageFormat.Jpeg, quality);

    private static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    internal static void WritePng(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        IO.AtomicFile.Write(path, data.SaveTo);
    }

    internal static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i];
            rgba[j + 1] = image.Pixels[i + 1];
            rgba[j + 2] = image.Pixels[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>An RGBA bitmap's pixels as RGB (drawing on a frame and giving it back).</summary>
    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var source = (rgba ?? bitmap).GetPixelSpan();
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        var pixels = image.Pixels;
        for (int i = 0, j = 0; i < pixels.Length; i += 3, j += 4)
        {
            pixels[i] = source[j];
            pixels[i + 1] = source[j + 1];
            pixels[i + 2] = source[j + 2];
        }

        return image;
    }
}
