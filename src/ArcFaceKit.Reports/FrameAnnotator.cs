using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Reports;

/// <summary>Draws tracked faces onto a video frame: a box each and a caption above it (track id, name).</summary>
public static class FrameAnnotator
{
    public static RgbImage Draw(RgbImage frame, IReadOnlyList<FaceLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(labels);
        using var bitmap = ImageEncoder.ToBitmap(frame);
        using (var canvas = new SKCanvas(bitmap))
        {
            float stroke = Math.Max(2f, Math.Max(frame.Width, frame.Height) / 400f);
            using var named = new SKPaint { Color = SKColors.Lime, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
            using var other = new SKPaint { Color = SKColors.Orange, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
            using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
            using var shade = new SKPaint { Color = new SKColor(0, 0, 0, 160) };
            using var font = new SKFont(Fonts.Sans, Math.Max(12f, stroke * 6));
            foreach (var label in labels)
            {
                var box = label.Box;
                canvas.DrawRect(box.X, box.Y, box.Width, box.Height, label.Named ? named : other);
                float width = font.MeasureText(label.Caption);
                float top = Math.Max(box.Y - font.Size - 4, 0);
                canvas.DrawRect(box.X, top, width + 4, font.Size + 4, shade);
                canvas.DrawText(label.Caption, box.X + 2, top + font.Size, SKTextAlign.Left, font, text);
            }
        }

        return ImageEncoder.FromBitmap(bitmap);
    }
}
