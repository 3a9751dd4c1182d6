using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Reports;

/// <summary>Draws boxes, landmarks and scores over an image, for people to check what a detector found.</summary>
public static class FaceAnnotator
{
    private static readonly SKColor[] LandmarkColors = [SKColors.Red, SKColors.Blue, SKColors.Lime, SKColors.Magenta, SKColors.Cyan];

    public static void WritePng(RgbImage image, IReadOnlyList<DetectedFace> faces, string path)
    {
        using var bitmap = ImageEncoder.ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        {
            float stroke = Math.Max(2f, Math.Max(image.Width, image.Height) / 300f);
            using var box = new SKPaint { Color = SKColors.Lime, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
            using var dot = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
            using var label = new SKPaint { Color = SKColors.Yellow, IsAntialias = true };
            using var font = new SKFont(Fonts.Sans, Math.Max(12f, stroke * 6));
            foreach (var face in faces)
            {
                canvas.DrawRect(face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height, box);
                for (int k = 0; k < face.Landmarks.Count; k++)
                {
                    dot.Color = LandmarkColors[k % LandmarkColors.Length];
                    canvas.DrawCircle(face.Landmarks[k].X, face.Landmarks[k].Y, stroke * 1.5f, dot);
                }

                canvas.DrawText($"{face.Score:F2}", face.Box.X, face.Box.Y - 4, SKTextAlign.Left, font, label);
            }
        }

        ImageEncoder.WritePng(bitmap, path);
    }
}
