using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Clips;

/// <summary>
/// Backgrounds made from blurred photos, not from real video: the real clips in ../shared have people in them, whose
/// faces would be faces without ground truth. A corner of a photo (background, hair, shoulders), blurred and enlarged to
/// <see cref="Oversize"/> times the frame so it can drift like a slow pan; the planner rejects one in which the
/// detector still finds a face.
/// </summary>
internal static class Backgrounds
{
    public const float Oversize = 1.12f;

    public static SKImage Make(BackgroundPlan plan, int width, int height)
    {
        var photo = ImageDecoder.DecodeFile(plan.Photo);
        using var source = ImageEncoder.ToBitmap(photo);
        var crop = SKRect.Create(plan.CropX * photo.Width, plan.CropY * photo.Height, plan.CropSize * photo.Width, plan.CropSize * photo.Height);
        var info = new SKImageInfo((int)MathF.Ceiling(width * Oversize), (int)MathF.Ceiling(height * Oversize), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        if (plan.Mirror)
        {
            canvas.Scale(-1, 1, info.Width / 2f, 0);
        }

        // Blurred at the crop's own scale (a few pixels there are tens here), so the blur costs little at any frame size.
        using var blur = SKImageFilter.CreateBlur(0.08f * crop.Width, 0.08f * crop.Height);
        using var small = SKSurface.Create(new SKImageInfo((int)crop.Width, (int)crop.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var paint = new SKPaint { ImageFilter = blur })
        {
            using var image = SKImage.FromBitmap(source);
            small.Canvas.DrawImage(image, crop, SKRect.Create(crop.Width, crop.Height), new SKSamplingOptions(SKFilterMode.Linear), paint);
        }

        using var blurred = small.Snapshot();
        canvas.DrawImage(blurred, SKRect.Create(info.Width, info.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        return surface.Snapshot();
    }

    /// <summary>Where the background is drawn at a frame: its centre drifts by the plan's amounts over the clip.</summary>
    public static SKPoint Offset(BackgroundPlan plan, int width, int height, int frame, int frames)
    {
        float t = frames <= 1 ? 0 : (frame / (float)(frames - 1)) - 0.5f;
        float spare = (Oversize - 1) / 2;
        return new SKPoint((-spare + (plan.DriftX * t)) * width, (-spare + (plan.DriftY * t)) * height);
    }

    /// <summary>A frame-sized view of the background at the clip's first frame, for the planner's face check.</summary>
    public static RgbImage FirstFrame(BackgroundPlan plan, int width, int height, int frames)
    {
        using var image = Make(plan, width, height);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            var at = Offset(plan, width, height, 0, frames);
            canvas.DrawImage(image, at.X, at.Y, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        }

        var rgba = bitmap.GetPixelSpan();
        var rgb = new RgbImage(width, height);
        for (int i = 0, j = 0; j < rgb.Pixels.Length; i += 4, j += 3)
        {
            rgb.Pixels[j] = rgba[i];
            rgb.Pixels[j + 1] = rgba[i + 1];
            rgb.Pixels[j + 2] = rgba[i + 2];
        }

        return rgb;
    }
}
