using SkiaSharp;

namespace ArcFaceKit.Imaging;

/// <summary>Turns stored pixels upright according to the EXIF orientation (phone photos are stored sideways).</summary>
internal static class Orientation
{
    public static RgbImage Apply(RgbImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return image;
        }

        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = image.Width, h = image.Height;
        int outW = swap ? h : w, outH = swap ? w : h;
        var result = new RgbImage(outW, outH);
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
                result.Pixels[dst] = image.Pixels[src];
                result.Pixels[dst + 1] = image.Pixels[src + 1];
                result.Pixels[dst + 2] = image.Pixels[src + 2];
            }
        }

        return result;
    }
}
