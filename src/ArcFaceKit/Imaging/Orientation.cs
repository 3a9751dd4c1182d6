using SkiaSharp;

namespace ArcFaceKit.Imaging;

/// <summary>Turns stored pixels upright according to the EXIF orientation (phone photos are stored sideways).</summary>
internal static class Orientation
{
    /// <summary>
    /// The image upright: itself when it already is, else a new image (its pixels from <paramref name="pool"/> when
    /// there is one) and <paramref name="image"/> is let go, so a turned photo holds one array, not two.
    /// </summary>
    public static RgbImage Apply(RgbImage image, SKEncodedOrigin origin, PixelPool? pool)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return image;
        }

        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = image.Width, h = image.Height;
        int outW = swap ? h : w, outH = swap ? w : h;
        var result = RgbImage.Create(outW, outH, pool);
        byte[] from = image.Pixels, to = result.Pixels;
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                // Source pixel that lands on (x, y) of the upright image.
                (int sx, int sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                int src = ((sy * w) + sx) * 3;
                int dst = ((y * outW) + x) * 3;
                to[dst] = from[src];
                to[dst + 1] = from[src + 1];
                to[dst + 2] = from[src + 2];
            }
        }

        image.Return();
        return result;
    }
}
