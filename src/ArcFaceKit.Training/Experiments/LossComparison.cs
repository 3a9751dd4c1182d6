using System.Globalization;
using System.Text;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using TorchSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>One trained model of the comparison: its loss, seed and LFW figures.</summary>
public sealed record ComparisonRun(string Loss, int Seed, double Accuracy, double TarAtFar, double Seconds);

/// <summary>
/// The seed's comparison: the same small backbone trained from scratch with each loss under the same budget, for
/// several seeds, each evaluated on LFW (10-fold accuracy, TAR at FAR 1e-3); a Markdown table of mean +- sd.
/// </summary>
public static class LossComparison
{
    public sealed record Options
    {
        public required string Data { get; init; }

        public required string Detector { get; init; }

        public required string LfwImages { get; init; }

        public required string LfwPairs { get; init; }

        public IReadOnlyList<string> Losses { get; init; } = ["softmax", "center", "sphereface", "cosface", "arcface"];

        public IReadOnlyList<int> Seeds { get; init; } = [0, 1];

        public int InputSize { get; init; } = 64;

        public int Epochs { get; init; } = 20;

        public int BatchSize { get; init; } = 64;

        public double LearningRate { get; init; } = 0.1;

        /// <summary>Folds of pairs.txt to evaluate on (10: the full protocol).</summary>
        public int LfwFolds { get; init; } = 10;
    }

    public static IReadOnlyList<ComparisonRun> Run(Options o, string outputDirectory, Action<string>? log = null)
    {
        Directory.CreateDirectory(outputDirectory);
        var pairs = LfwPairs.Load(o.LfwPairs).Where(p => p.Fold < o.LfwFolds).ToList();
        var runs = new List<ComparisonRun>();
        foreach (int seed in o.Seeds)
        {
            var (train, _) = FaceDataset.Load(o.Data, o.InputSize, heldOutShare: 0, seed: seed);
            foreach (var loss in o.Losses)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                torch.manual_seed(seed);
                var net = new MobileFaceNet(128, o.InputSize);
                var scale = loss == "norm-softmax" ? 32 : 64;
                var trainer = new Trainer<MobileFaceNet>(net, HeadFactory.Create(loss, 128, train.Identities.Count, scale),
                    new TrainerOptions { Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, WarmupSteps = 50, Seed = seed });
                trainer.Run(train);
                var report = LfwCheck.Evaluate(net, o.Detector, o.LfwImages, pairs);
                var run = new ComparisonRun(loss, seed, report.MeanAccuracy, report.TarAtFar, watch.Elapsed.TotalSeconds);
                runs.Add(run);
                log?.Invoke($"{loss} seed {seed}: LFW {run.Accuracy:P2}, TAR@FAR1e-3 {run.TarAtFar:P2} ({run.Seconds:F0} s)");
            }
        }

        File.WriteAllText(Path.Combine(outputDirectory, "loss-comparison.md"), Table(runs, o));
        return runs;
    }

    public static string Table(IReadOnlyList<ComparisonRun> runs, Options o)
    {
        static string MeanSd(IEnumerable<double> values)
        {
            var v = values.ToList();
            double mean = v.Average(), sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
            return string.Create(CultureInfo.InvariantCulture, $"{mean * 100:F2} ± {sd * 100:F2}");
        }

        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"MobileFaceNet {o.InputSize}x{o.InputSize}, {o.Epochs} epochs, batch {o.BatchSize}, lr {o.LearningRate}, seeds {string.Join(", ", o.Seeds)}; LFW {o.LfwFolds} folds\n\n");
        md.Append("| loss | LFW accuracy % (mean ± sd) | TAR @ FAR 1e-3 % (mean ± sd) |\n|---|---|---|\n");
        foreach (var group in runs.GroupBy(r => r.Loss))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {group.Key} | {MeanSd(group.Select(r => r.Accuracy))} | {MeanSd(group.Select(r => r.TarAtFar))} |\n");
        }

        return md.ToString();
    }
}
