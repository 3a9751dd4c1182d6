using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Training.Data;

/// <summary>
/// Seeded photometric and geometric jitter of an aligned crop, for training sets with few photos per person: scale
/// 0.9-1.1, rotation within 10 degrees, shift within 6% of the side (about the crop's centre, border black, as the
/// aligner's own warp), then contrast and brightness within 20%.
/// </summary>
public static class Augmentation
{
    public static RgbImage Apply(RgbImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        double scale = 0.9 + (0.2 * rng.NextDouble());
        double angle = (rng.NextDouble() - 0.5) * 20 * Math.PI / 180;
        double dx = (rng.NextDouble() - 0.5) * 0.12 * image.Width, dy = (rng.NextDouble() - 0.5) * 0.12 * image.Height;
        double cx = image.Width / 2.0, cy = image.Height / 2.0;
        double a = scale * Math.Cos(angle), b = scale * Math.Sin(angle);
        var warped = AffineWarp.Warp(image, new AffineMatrix(a, -b, cx - (a * cx) + (b * cy) + dx, b, a, cy - (b * cx) - (a * cy) + dy), image.Width, image.Height);

        float contrast = 0.8f + (0.4f * (float)rng.NextDouble()), brightness = ((float)rng.NextDouble() - 0.5f) * 0.4f * 128;
        var pixels = warped.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(((pixels[i] - 128) * contrast) + 128 + brightness, 0, 255);
        }

        return warped;
    }
}
