using ArcFaceKit.Evaluation;
using ArcFaceKit.Imaging;
using SkiaSharp;

namespace ArcFaceKit.Reports;

/// <summary>Draws a ROC curve (TAR against log-scale FAR) as a PNG.</summary>
public static class RocPlot
{
    public static void WritePng(string path, IReadOnlyList<RocPoint> roc, string title, double minFar = 1e-4)
    {
        const int W = 800, H = 600, L = 80, R = 30, T = 60, B = 70;
        using var surface = SKSurface.Create(new SKImageInfo(W, H));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var curve = new SKPaint { Color = new SKColor(31, 119, 180), StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont(Fonts.Sans, 15);
        using var titleFont = new SKFont(Fonts.Sans, 18);
        float X(double far) => L + (float)((Math.Log10(Math.Max(far, minFar)) - Math.Log10(minFar)) / -Math.Log10(minFar) * (W - L - R));
        // At least the top tenth is shown, so a perfect curve still has an axis (and the grid loop a step).
        double yMin = Math.Min(0.9, Math.Floor(roc.Where(p => p.Far >= minFar).Select(p => p.Tar).DefaultIfEmpty(0).Min() * 10) / 10);
        float Y(double tar) => T + (float)((1 - ((tar - yMin) / (1 - yMin))) * (H - T - B));
        for (double far = minFar; far <= 1.0001; far *= 10)
        {
            canvas.DrawLine(X(far), T, X(far), H - B, grid);
            canvas.DrawText($"1e{Math.Round(Math.Log10(far))}", X(far) - 18, H - B + 22, SKTextAlign.Left, font, text);
        }

        for (double tar = yMin; tar <= 1.0001; tar += (1 - yMin) / 5)
        {
            canvas.DrawLine(L, Y(tar), W - R, Y(tar), grid);
            canvas.DrawText($"{tar:F2}", L - 48, Y(tar) + 5, SKTextAlign.Left, font, text);
        }

        canvas.DrawRect(L, T, W - L - R, H - T - B, axis);
        var points = roc.Where(p => p.Far >= minFar).Select(p => new SKPoint(X(p.Far), Y(p.Tar))).ToArray();
        canvas.DrawPoints(SKPointMode.Polygon, points, curve);
        canvas.DrawText(title, L, T - 22, SKTextAlign.Left, titleFont, text);
        canvas.DrawText("false accept rate (log scale)", (W / 2) - 90, H - 20, SKTextAlign.Left, font, text);
        canvas.Save();
        canvas.RotateDegrees(-90);
        canvas.DrawText("true accept rate", -(H / 2) - 50, 22, SKTextAlign.Left, font, text);
        canvas.Restore();
        ImageEncoder.WritePng(surface, path);
    }
}
