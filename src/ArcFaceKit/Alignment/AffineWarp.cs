using ArcFaceKit.Imaging;

namespace ArcFaceKit.Alignment;

/// <summary>cv2.warpAffine's defaults: bilinear sampling through the inverse map, constant border 0.</summary>
internal static class AffineWarp
{
    public static RgbImage Warp(RgbImage source, AffineMatrix sourceToDestination, int width, int height)
    {
        var inv = sourceToDestination.Invert();
        var result = new RgbImage(width, height);
        byte[] src = source.Pixels, dst = result.Pixels;
        int sw = source.Width, sh = source.Height;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double fx = (inv.A00 * x) + (inv.A01 * y) + inv.A02;
                double fy = (inv.A10 * x) + (inv.A11 * y) + inv.A12;
                int x0 = (int)Math.Floor(fx), y0 = (int)Math.Floor(fy);
                if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh)
                {
                    continue;
                }

                float wx = (float)(fx - x0), wy = (float)(fy - y0);
                int o = ((y * width) + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    float p00 = Sample(src, sw, sh, x0, y0, c), p01 = Sample(src, sw, sh, x0 + 1, y0, c);
                    float p10 = Sample(src, sw, sh, x0, y0 + 1, c), p11 = Sample(src, sw, sh, x0 + 1, y0 + 1, c);
                    float top = p00 + ((p01 - p00) * wx), bottom = p10 + ((p11 - p10) * wx);
                    dst[o + c] = (byte)Math.Clamp((int)MathF.Round(top + ((bottom - top) * wy)), 0, 255);
                }
            }
        }

        return result;
    }

    private static float Sample(byte[] src, int w, int h, int x, int y, int c) =>
        (uint)x < (uint)w && (uint)y < (uint)h ? src[(((y * w) + x) * 3) + c] : 0f;
}
