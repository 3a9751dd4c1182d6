using ArcFaceKit.Reports;
using System.Globalization;
using System.Text;
using ArcFaceKit.Imaging;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Experiments;

/// <summary>Angles (degrees) that say how separated 2-D features are on the circle.</summary>
public sealed record AngularSeparation(double MeanIntraClass, double MinBetweenCentres, double MinBetweenClasses);

/// <summary>
/// The seed's 8-identity experiment: the same small backbone with a 2-D feature layer trained with Softmax and with
/// ArcFace on the 8 identities with the most images; features plotted on the unit circle per class, and the angular
/// separation measured (mean angle of features to their class centre, the smallest angle between class centres, and
/// the smallest angle between two features of different classes: the gap ArcFace's margin is meant to open).
/// </summary>
public static class EightIdentities
{
    public static IReadOnlyList<(string Loss, AngularSeparation Separation)> Run(string preparedDirectory, string outputDirectory, int epochs = 60, int seed = 0, double margin = 0.3)
    {
        Directory.CreateDirectory(outputDirectory);
        var (data, _) = FaceDataset.Load(preparedDirectory, 64, heldOutShare: 0, seed: seed, largestIdentities: 8);
        var results = new List<(string, AngularSeparation)>();
        foreach (var loss in new[] { "softmax", "arcface" })
        {
            torch.manual_seed(seed);
            var net = new MobileFaceNet(2, 64);
            MarginHead head = loss == "softmax" ? new SoftmaxHead(2, 8) : new ArcFaceHead(2, 8, scale: 16, margin: margin);
            var trainer = new Trainer<MobileFaceNet>(net, head, new TrainerOptions { Epochs = epochs, BatchSize = 16, LearningRate = 0.05, WarmupSteps = 20, Seed = seed });
            trainer.Run(data);
            var (features, labels) = Features(net, data);
            var separation = Measure(features, labels);
            Draw(Path.Combine(outputDirectory, $"eight-identities-{loss}.png"), features, labels, $"{loss}: 2-D features of 8 identities (normalised)");
            results.Add((loss, separation));
        }

        var md = new StringBuilder("| loss | mean angle to class centre | smallest angle between centres | smallest angle between classes |\n|---|---|---|---|\n");
        foreach (var (loss, s) in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {loss} | {s.MeanIntraClass:F1}° | {s.MinBetweenCentres:F1}° | {s.MinBetweenClasses:F1}° |\n");
        }

        File.WriteAllText(Path.Combine(outputDirectory, "eight-identities.md"), md.ToString());
        return results;
    }

    /// <summary>Angles of the features: within classes, between class centres, between the closest features of two classes.</summary>
    public static AngularSeparation Measure(IReadOnlyList<double> angles, IReadOnlyList<int> labels)
    {
        static double Diff(double a, double b)
        {
            double d = Math.Abs(a - b) % (2 * Math.PI);
            return Math.Min(d, (2 * Math.PI) - d) * 180 / Math.PI;
        }

        var classes = labels.Distinct().Order().ToList();
        var centres = classes.ToDictionary(c => c, c =>
        {
            var own = angles.Where((_, i) => labels[i] == c).ToList();
            return Math.Atan2(own.Average(Math.Sin), own.Average(Math.Cos));
        });
        double intra = angles.Select((a, i) => Diff(a, centres[labels[i]])).Average();
        double centresMin = classes.SelectMany(a => classes.Where(b => b > a).Select(b => Diff(centres[a], centres[b]))).Min();
        double between = double.MaxValue;
        for (int i = 0; i < angles.Count; i++)
        {
            for (int j = i + 1; j < angles.Count; j++)
            {
                if (labels[i] != labels[j])
                {
                    between = Math.Min(between, Diff(angles[i], angles[j]));
                }
            }
        }

        return new AngularSeparation(intra, centresMin, between);
    }

    private static (List<double> Angles, List<int> Labels) Features(MobileFaceNet net, FaceDataset data)
    {
        net.eval();
        var angles = new List<double>();
        var labels = new List<int>();
        using var noGrad = no_grad();
        foreach (var (input, y) in data.Batches(0, 1, seed: 0, flip: false))
        {
            var f = net.forward(input).data<float>().ToArray();
            angles.Add(Math.Atan2(f[1], f[0]));
            labels.Add((int)y.item<long>());
        }

        return (angles, labels);
    }

    private static void Draw(string path, List<double> angles, List<int> labels, string title)
    {
        const int Size = 600;
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size + 40));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var circle = new SKPaint { Color = new SKColor(200, 200, 200), Style = SKPaintStyle.Stroke, IsAntialias = true };
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont(Fonts.Sans, 16);
        float cx = Size / 2f, cy = (Size / 2f) + 40, r = (Size / 2f) - 60;
        canvas.DrawCircle(cx, cy, r, circle);
        SKColor[] colors = [new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194), new(23, 190, 207)];
        for (int i = 0; i < angles.Count; i++)
        {
            // Each class on its own ring just outside the circle, so overlapping angles stay visible.
            float ring = r + 8 + (labels[i] * 5);
            using var dot = new SKPaint { Color = colors[labels[i] % colors.Length], IsAntialias = true };
            canvas.DrawCircle(cx + (ring * (float)Math.Cos(angles[i])), cy - (ring * (float)Math.Sin(angles[i])), 3, dot);
        }

        canvas.DrawText(title, 20, 28, SKTextAlign.Left, font, ink);
        ImageEncoder.WritePng(surface, path);
    }
}
