using ArcFaceKit.Imaging;
using ArcFaceKit.Reports;
using SkiaSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>Unit features of a few classes drawn as the seed draws them: on the circle (2-D) or on the sphere (3-D, seen from three sides).</summary>
public static class FeaturePlots
{
    private static readonly SKColor[] Colors = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194), new(23, 190, 207)];

    /// <summary>The circle for 2-D features, the sphere from three viewpoints for 3-D ones; features need not be normalised.</summary>
    public static void Write(string path, IReadOnlyList<float[]> features, IReadOnlyList<int> labels, string title)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        int dimension = features.Count > 0 ? features[0].Length : 2;
        if (dimension is not (2 or 3))
        {
            throw new ArgumentException($"Only 2-D and 3-D features can be drawn; got {dimension}-D.", nameof(features));
        }

        const int Top = 40;
        int panel = dimension == 2 ? 720 : 420;   // one wide panel for the circle (its title is long), three for the sphere
        // Views of the sphere: from the front (z towards the viewer), from the right side, from above.
        (double Yaw, double Pitch)[] views = dimension == 2 ? [(0, 0)] : [(0, 0), (Math.PI / 2, 0), (0, Math.PI / 2)];
        using var surface = SKSurface.Create(new SKImageInfo(panel * views.Length, panel + Top));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var outline = new SKPaint { Color = new SKColor(200, 200, 200), Style = SKPaintStyle.Stroke, IsAntialias = true };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont(Fonts.Sans, 16);
        for (int v = 0; v < views.Length; v++)
        {
            float cx = (panel * v) + (panel / 2f), cy = Top + (panel / 2f), r = (panel / 2f) - (dimension == 2 ? 60 : 40);   // 2-D: room for the rings outside
            canvas.DrawCircle(cx, cy, r, outline);
            var points = features.Select((f, i) => (Point: Project(f, views[v]), Label: labels[i])).OrderBy(p => p.Point.Z).ToList();   // the far side first
            foreach (var ((x, y, z), label) in points)
            {
                // 2-D: each class on its own ring just outside the circle, so overlapping angles stay visible.
                float ring = dimension == 2 ? r + 8 + (label * 5) : r;
                bool back = dimension == 3 && z < 0;
                using var dot = new SKPaint { Color = Colors[label % Colors.Length].WithAlpha(back ? (byte)60 : (byte)255), IsAntialias = true };
                canvas.DrawCircle(cx + (ring * (float)x), cy - (ring * (float)y), back ? 2 : 3, dot);
            }

            if (dimension == 3)
            {
                string[] names = ["front", "right side", "top"];
                canvas.DrawText(names[v], cx, Top + panel - 8, SKTextAlign.Center, font, ink);
            }
        }

        canvas.DrawText(title, 20, 28, SKTextAlign.Left, font, ink);
        ImageEncoder.WritePng(surface, path);
    }

    /// <summary>The normalised feature turned by the view (yaw about the vertical axis, then pitch about the horizontal one); 2-D features lie in the picture.</summary>
    private static (double X, double Y, double Z) Project(float[] f, (double Yaw, double Pitch) view)
    {
        double n = Math.Sqrt(f.Sum(v => (double)v * v));
        double x = f[0] / n, y = f[1] / n, z = f.Length > 2 ? f[2] / n : 0;
        (x, z) = ((x * Math.Cos(view.Yaw)) - (z * Math.Sin(view.Yaw)), (x * Math.Sin(view.Yaw)) + (z * Math.Cos(view.Yaw)));
        (y, z) = ((y * Math.Cos(view.Pitch)) - (z * Math.Sin(view.Pitch)), (y * Math.Sin(view.Pitch)) + (z * Math.Cos(view.Pitch)));
        return (x, y, z);
    }
}
