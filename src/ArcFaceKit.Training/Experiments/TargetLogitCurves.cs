using ArcFaceKit.Reports;
using System.Globalization;
using System.Text;
using ArcFaceKit.Imaging;
using ArcFaceKit.Training.Heads;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// The seed's figure: each head's target logit (divided by its scale) as a function of the angle theta between a
/// feature and its class weight, computed by running the heads themselves on unit features at each angle.
/// </summary>
public static class TargetLogitCurves
{
    public static IReadOnlyList<(string Name, MarginHead Head, double Scale)> Heads() =>
    [
        ("Softmax (cos θ)", new NormSoftmaxHead(2, 2, 1), 1),
        ("SphereFace m=4 (ψ, λ=0)", new SphereFaceHead(2, 2, 4, 0), 1),
        ("CosFace m=0.35", new CosFaceHead(2, 2, 1, 0.35), 1),
        ("ArcFace m=0.5", new ArcFaceHead(2, 2, 1, 0.5), 1),
        ("Combined (1, 0.3, 0.2)", new CombinedMarginHead(2, 2, 1, 1, 0.3, 0.2), 1),
    ];

    /// <summary>Target logits at <paramref name="points"/> angles from 0 to pi, per head.</summary>
    public static (double[] Theta, IReadOnlyList<(string Name, double[] Values)> Curves) Compute(int points = 181)
    {
        var theta = Enumerable.Range(0, points).Select(i => i * Math.PI / (points - 1)).ToArray();
        var curves = new List<(string, double[])>();
        foreach (var (name, head, scale) in Heads())
        {
            head.to(ScalarType.Float64);
            using var noGrad = no_grad();
            head.Weight.copy_(tensor(new double[,] { { 1, 0 }, { 0, 1 } }));
            var x = tensor(theta.SelectMany(t => new[] { Math.Cos(t), Math.Sin(t) }).ToArray()).reshape(points, 2);
            var logits = head.forward(x, zeros(points, dtype: ScalarType.Int64));
            curves.Add((name, [.. logits.select(1, 0).data<double>().ToArray().Select(v => v / scale)]));
        }

        return (theta, curves);
    }

    /// <summary>Writes target-logit-curves.png and target-logit-curves.md (values at chosen angles) into the folder.</summary>
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var (theta, curves) = Compute();
        DrawPng(Path.Combine(directory, "target-logit-curves.png"), theta, curves);
        var md = new StringBuilder("| head | 0° | 30° | 60° | 90° | 120° | 150° | 180° |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var (name, values) in curves)
        {
            md.Append("| ").Append(name).Append(" | ")
              .AppendJoin(" | ", new[] { 0, 30, 60, 90, 120, 150, 180 }.Select(d => values[d].ToString("F3", CultureInfo.InvariantCulture)))
              .Append(" |\n");
        }

        File.WriteAllText(Path.Combine(directory, "target-logit-curves.md"), md.ToString());
    }

    private static void DrawPng(string path, double[] theta, IReadOnlyList<(string Name, double[] Values)> curves)
    {
        const int W = 900, H = 600, L = 80, R = 260, T = 50, B = 60;
        double yMin = Math.Floor(curves.Min(c => c.Values.Min())), yMax = 1.0;
        float X(double t) => L + (float)(t / Math.PI * (W - L - R));
        float Y(double v) => T + (float)((yMax - v) / (yMax - yMin) * (H - T - B));
        using var surface = SKSurface.Create(new SKImageInfo(W, H));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(Fonts.Sans, 15);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), Style = SKPaintStyle.Stroke };
        for (int d = 0; d <= 180; d += 30)
        {
            canvas.DrawLine(X(d * Math.PI / 180), T, X(d * Math.PI / 180), H - B, grid);
            canvas.DrawText($"{d}°", X(d * Math.PI / 180) - 10, H - B + 20, SKTextAlign.Left, font, ink);
        }

        for (double v = yMin; v <= yMax; v += 1)
        {
            canvas.DrawLine(L, Y(v), W - R, Y(v), grid);
            canvas.DrawText(v.ToString("F0", CultureInfo.InvariantCulture), L - 30, Y(v) + 5, SKTextAlign.Left, font, ink);
        }

        SKColor[] colors = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189)];
        for (int c = 0; c < curves.Count; c++)
        {
            using var pen = new SKPaint { Color = colors[c % colors.Length], StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
            canvas.DrawPoints(SKPointMode.Polygon, [.. theta.Select((t, i) => new SKPoint(X(t), Y(curves[c].Values[i])))], pen);
            canvas.DrawLine(W - R + 15, T + 20 + (c * 24), W - R + 45, T + 20 + (c * 24), pen);
            canvas.DrawText(curves[c].Name, W - R + 52, T + 25 + (c * 24), SKTextAlign.Left, font, ink);
        }

        canvas.DrawText("target logit / s against θ (angle to the class weight)", L, T - 18, SKTextAlign.Left, font, ink);
        ImageEncoder.WritePng(surface, path);
    }
}
