using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using ArcFaceKit.IO;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// Angles (degrees) that say how separated unit features are: the mean angle of features to their class centre, the
/// smallest angle between two class centres, the smallest angle between two features of different classes (the gap
/// a margin is meant to open; 0 or less overlap), and the share of features nearer their own centre than any other.
/// </summary>
public sealed record AngularSeparation(double MeanIntraClass, double MinBetweenCentres, double MinBetweenClasses, double NearestCentreAccuracy);

/// <summary>One run of the 8-identity experiment: its loss, feature dimension, seed, scale and what it reached.</summary>
public sealed record EightRun(string Loss, int Dimension, int Seed, double Scale, int Epochs, int Images, AngularSeparation Separation, double Seconds);

/// <summary>
/// The seed's 8-identity experiment: the same small backbone with a 2-D or 3-D feature layer trained with Softmax and
/// with ArcFace (at the scale rule's value for 8 classes) on the 8 identities with the most images, long enough and
/// with enough augmentation to fit the training set; features plotted on the circle or the sphere, and the angular
/// separation measured. Resumable as <see cref="LossComparison"/>: one result file a run, finished runs skipped, the
/// table rebuilt from the files.
/// </summary>
public static class EightIdentities
{
    public const int Classes = 8;

    public sealed record Options
    {
        public required string Data { get; init; }

        public int Epochs { get; init; } = 200;

        public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

        public IReadOnlyList<int> Dimensions { get; init; } = [2, 3];

        /// <summary>ArcFace's margin in radians.</summary>
        public double Margin { get; init; } = 0.3;

        /// <summary>ArcFace's scale: "auto" (<see cref="FeatureScale.AdaCos"/>: 2.75 for 8 classes) or a number.</summary>
        public string Scale { get; init; } = FeatureScale.Auto;

        public bool Augment { get; init; } = true;

        public int BatchSize { get; init; } = 16;

        public double LearningRate { get; init; } = 0.05;
    }

    public static IReadOnlyList<EightRun> Run(Options o, string outputDirectory, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        string runs = Path.Combine(outputDirectory, "eight");
        Directory.CreateDirectory(runs);
        foreach (int dimension in o.Dimensions)
        {
            foreach (int seed in o.Seeds)
            {
                foreach (string loss in new[] { "softmax", "arcface" })
                {
                    string key = $"{loss}-d{dimension}-seed{seed}";
                    string file = Path.Combine(runs, key + ".json");
                    if (File.Exists(file))
                    {
                        log?.Invoke($"{key}: done before, skipped");
                        continue;
                    }

                    var run = TrainOne(o, loss, dimension, seed, Path.Combine(runs, key + ".png"));
                    AtomicFile.WriteAllText(file, JsonSerializer.Serialize(run, Json));
                    var s = run.Separation;
                    log?.Invoke($"{key}: nearest-centre accuracy {s.NearestCentreAccuracy:P1}, mean angle to centre {s.MeanIntraClass:F1}°, closest centres {s.MinBetweenCentres:F1}°, closest classes {s.MinBetweenClasses:F1}° ({run.Seconds:F0} s)");
                }
            }
        }

        var all = Load(outputDirectory);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, "eight-identities.md"), Table(all));
        return all;
    }

    public static IReadOnlyList<EightRun> Load(string outputDirectory)
    {
        string runs = Path.Combine(outputDirectory, "eight");
        return Directory.Exists(runs)
            ? [.. Directory.EnumerateFiles(runs, "*.json").Order(StringComparer.Ordinal).Select(f => JsonSerializer.Deserialize<EightRun>(File.ReadAllText(f), Json)!)]
            : [];
    }

    /// <summary>Per loss and dimension: seeds, mean ± sd of each measure, and each seed's gap between classes.</summary>
    public static string Table(IReadOnlyList<EightRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        static string Degrees(IEnumerable<double> v)
        {
            var list = v.ToList();
            double mean = list.Average();
            return string.Create(CultureInfo.InvariantCulture, $"{mean:F1}° ± {LossComparison.Sd(list, mean):F1}°");
        }

        var md = new StringBuilder("| features | loss | scale | seeds | epochs (images) | nearest-centre accuracy % | mean angle to class centre | smallest angle between centres | smallest angle between classes | that gap per seed |\n|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var g in runs.GroupBy(r => (r.Dimension, r.Loss)).OrderBy(g => g.Key.Dimension).ThenByDescending(g => g.Key.Loss, StringComparer.Ordinal))
        {
            var list = g.OrderBy(r => r.Seed).ToList();
            string scale = double.IsNaN(list[0].Scale) ? "-" : list[0].Scale.ToString("0.##", CultureInfo.InvariantCulture);
            string perSeed = string.Join(", ", list.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Separation.MinBetweenClasses:F1}°")));
            md.Append(CultureInfo.InvariantCulture, $"| {g.Key.Dimension}-D | {g.Key.Loss} | {scale} | {list.Count} | {list[0].Epochs} ({list[0].Images}) | {LossComparison.MeanSd(list.Select(r => r.Separation.NearestCentreAccuracy))} | ");
            md.Append(CultureInfo.InvariantCulture, $"{Degrees(list.Select(r => r.Separation.MeanIntraClass))} | {Degrees(list.Select(r => r.Separation.MinBetweenCentres))} | {Degrees(list.Select(r => r.Separation.MinBetweenClasses))} | {perSeed} |\n");
        }

        return md.ToString();
    }

    /// <summary>The separation of features (any dimension, normalised here) of labelled classes, in degrees.</summary>
    public static AngularSeparation Measure(IReadOnlyList<float[]> features, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        var unit = features.Select(Normalised).ToList();
        var classes = labels.Distinct().Order().ToList();
        var centres = classes.ToDictionary(c => c, c => Normalised(Sum(unit.Where((_, i) => labels[i] == c).ToList())));
        double intra = unit.Select((u, i) => Angle(u, centres[labels[i]])).Average();
        double centresMin = classes.SelectMany(a => classes.Where(b => b > a).Select(b => Angle(centres[a], centres[b]))).Min();
        double between = double.MaxValue;
        for (int i = 0; i < unit.Count; i++)
        {
            for (int j = i + 1; j < unit.Count; j++)
            {
                if (labels[i] != labels[j])
                {
                    between = Math.Min(between, Angle(unit[i], unit[j]));
                }
            }
        }

        double nearest = unit.Select((u, i) => classes.MinBy(c => Angle(u, centres[c])) == labels[i] ? 1.0 : 0.0).Average();
        return new AngularSeparation(intra, centresMin, between, nearest);
    }

    private static EightRun TrainOne(Options o, string loss, int dimension, int seed, string plot)
    {
        var watch = Stopwatch.StartNew();
        var (data, _) = FaceDataset.Load(o.Data, 64, heldOutShare: 0, seed: seed, largestIdentities: Classes);
        torch.manual_seed(seed);
        var net = new MobileFaceNet(dimension, 64);
        double scale = loss == "softmax" ? double.NaN : FeatureScale.Parse(o.Scale, Classes);
        MarginHead head = loss == "softmax" ? new SoftmaxHead(dimension, Classes) : new ArcFaceHead(dimension, Classes, scale: scale, margin: o.Margin);
        var trainer = new Trainer<MobileFaceNet>(net, head, new TrainerOptions
        {
            Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, WarmupSteps = 20, Seed = seed, Augment = o.Augment,
        });
        trainer.Run(data);
        var (features, labels) = Features(net, data);
        var separation = Measure(features, labels);
        string scaleText = double.IsNaN(scale) ? "" : string.Create(CultureInfo.InvariantCulture, $" s={scale:0.##} m={o.Margin}");
        FeaturePlots.Write(plot, features, labels, $"{loss}{scaleText}, seed {seed}: {dimension}-D features of {Classes} identities (normalised), training set");
        return new EightRun(loss, dimension, seed, scale, o.Epochs, data.Count, separation, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The features of the training set as it is (no flip, no jitter).</summary>
    private static (List<float[]> Features, List<int> Labels) Features(MobileFaceNet net, FaceDataset data)
    {
        net.eval();
        var features = new List<float[]>();
        var labels = new List<int>();
        using var noGrad = no_grad();
        foreach (var (input, y) in data.Batches(0, 1, seed: 0, flip: false))
        {
            using var scope = torch.NewDisposeScope();
            using var ownedInput = input;
            using var ownedLabel = y;
            features.Add(net.forward(input).data<float>().ToArray());
            labels.Add((int)y.item<long>());
        }

        return (features, labels);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static float[] Normalised(float[] v)
    {
        var unit = new float[v.Length];
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), unit);
        return unit;
    }

    private static float[] Sum(IReadOnlyList<float[]> vectors)
    {
        var sum = new float[vectors[0].Length];
        foreach (var v in vectors)
        {
            TensorPrimitives.Add(sum, v, sum);
        }

        return sum;
    }

    private static double Angle(float[] a, float[] b) => Math.Acos(Math.Clamp(a.Zip(b, (x, y) => (double)x * y).Sum(), -1, 1)) * 180 / Math.PI;
}
