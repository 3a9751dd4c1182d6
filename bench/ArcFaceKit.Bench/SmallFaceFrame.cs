using System.Runtime.InteropServices;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Bench;

/// <summary>
/// A photo made into a video-like frame with a face of a chosen size: the whole photo scaled so that one face box's
/// shorter side is that many pixels, its centre put at the centre of a grey 640x360 canvas (a 360p frame, which the
/// detector's defaults see at scale 1), the rest of the photo around it as it was.
/// </summary>
internal static class SmallFaceFrame
{
    public const int Width = 640;
    public const int Height = 360;

    private static readonly SKColor Grey = new(128, 128, 128);

    /// <summary>The frame, and where the face box lies in it.</summary>
    public static (RgbImage Frame, FaceBox Expected) Compose(RgbImage photo, FaceBox face, float size)
    {
        float scale = size / MathF.Min(face.Width, face.Height);
        float left = (Width / 2f) - ((face.X + (face.Width / 2f)) * scale);
        float top = (Height / 2f) - ((face.Y + (face.Height / 2f)) * scale);

        // RgbImage.Resize is cv2's INTER_LINEAR: two taps, so shrinking a photo 3-5x aliases the way no camera does.
        // Skia's trilinear mipmaps average the whole footprint when shrinking (area-like); Mitchell cubic when enlarging.
        var sampling = scale < 1
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        using var source = ImageEncoder.ToBitmap(photo);
        using var image = SKImage.FromBitmap(source);
        using var target = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(Grey);
            canvas.DrawImage(image, SKRect.Create(left, top, photo.Width * scale, photo.Height * scale), sampling);
        }

        var rgba = MemoryMarshal.AsBytes(target.GetPixelSpan());
        var frame = new RgbImage(Width, Height);
        for (int i = 0, j = 0; j < rgba.Length; i += 3, j += 4)
        {
            frame.Pixels[i] = rgba[j];
            frame.Pixels[i + 1] = rgba[j + 1];
            frame.Pixels[i + 2] = rgba[j + 2];
        }

        var expected = new FaceBox(left + (face.X * scale), top + (face.Y * scale), face.Width * scale, face.Height * scale);
        return (frame, expected);
    }

    /// <summary>
    /// Whether a detection is the face expected (not a false face elsewhere): its centre within half the expected box's
    /// shorter side of the expected centre, and its shorter side within a factor 2 of the expected one. IoU alone would
    /// reject the right face at 16 px over a pixel or two of jitter.
    /// </summary>
    public static bool IsNear(FaceBox found, FaceBox expected)
    {
        float side = MathF.Min(expected.Width, expected.Height);
        float foundSide = MathF.Min(found.Width, found.Height);
        float dx = (found.X + (found.Width / 2f)) - (expected.X + (expected.Width / 2f));
        float dy = (found.Y + (found.Height / 2f)) - (expected.Y + (expected.Height / 2f));
        return MathF.Sqrt((dx * dx) + (dy * dy)) <= side / 2f && foundSide >= side / 2f && foundSide <= side * 2f;
    }
}
