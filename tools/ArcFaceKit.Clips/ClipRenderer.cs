using ArcFaceKit.Video;
using SkiaSharp;

namespace ArcFaceKit.Clips;

/// <summary>
/// Draws a script's frames with Skia (the background at its drift, then each person's sprite in layer order at the
/// rectangle <see cref="ClipScene"/> gives, blurred along its motion by the shutter) and pipes them to ffmpeg.
/// </summary>
internal static class ClipRenderer
{
    /// <summary>Below this sigma (pixels) a sprite is drawn sharp: the blur would not show.</summary>
    private const float MinBlur = 0.3f;

    public static void Render(ClipScript script, string mp4Path, string ffmpeg = "ffmpeg")
    {
        var sprites = new Dictionary<string, SKImage>(StringComparer.Ordinal);
        try
        {
            foreach (var still in script.People.SelectMany(p => p.Photos))
            {
                if (!sprites.ContainsKey(still.Path))
                {
                    sprites[still.Path] = Sprites.Make(still);
                }
            }

            using var background = Backgrounds.Make(script.Background, script.Width, script.Height);
            using var frame = new SKBitmap(new SKImageInfo(script.Width, script.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(frame);
            using var paint = new SKPaint();
            var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
            using var encoder = VideoWriter.Start(mp4Path, script.Width, script.Height, ClipEncoding.For(script, ffmpeg));
            for (int f = 0; f < script.Frames; f++)
            {
                canvas.Clear(SKColors.Black);
                var at = Backgrounds.Offset(script.Background, script.Width, script.Height, f, script.Frames);
                canvas.DrawImage(background, at.X, at.Y, sampling);
                foreach (var pose in ClipScene.Poses(script, f))
                {
                    float sx = script.Effects.Shutter * MathF.Abs(pose.VelocityX) / 2, sy = script.Effects.Shutter * MathF.Abs(pose.VelocityY) / 2;
                    using var blur = sx + sy >= MinBlur ? SKImageFilter.CreateBlur(sx, sy) : null;
                    paint.ImageFilter = blur;
                    var head = pose.Head;
                    canvas.DrawImage(sprites[pose.Still.Path], SKRect.Create(head.X, head.Y, head.Width, head.Height), sampling, paint);
                    paint.ImageFilter = null;
                }

                canvas.Flush();
                encoder.Write(frame.GetPixelSpan());
            }

            encoder.Complete();
        }
        finally
        {
            foreach (var sprite in sprites.Values)
            {
                sprite.Dispose();
            }
        }
    }
}
