using System.Globalization;
using System.Text;
using System.Text.Json;
using ArcFaceKit.Evaluation;
using ArcFaceKit.IO;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using TorchSharp;

namespace ArcFaceKit.Training.Experiments;

/// <summary>
/// One trained model of the comparison: its setting, seed, the scale it used, its LFW verification figures and its
/// rank-1 identification on LFW with every distractor (NaN for runs made before it was measured).
/// </summary>
public sealed record ComparisonRun(string Setting, int Seed, double Scale, double Accuracy, double TarAtFar, double Seconds, double Rank1 = double.NaN);

/// <summary>
/// The seed's comparison, resumable: the same small backbone trained from scratch under each head setting and seed, each
/// evaluated on LFW (10-fold accuracy, TAR at FAR 1e-3). Every finished run writes its result file, a run whose file
/// exists is skipped, so a table of many runs accumulates over several sittings; the table is made from the files:
/// mean +- sd per setting, and the paired difference to Softmax (same seeds, same data order) with its 95% interval.
/// </summary>
public static class LossComparison
{
    public sealed record Options
    {
        public required string Data { get; init; }

        public required string Detector { get; init; }

        public required string LfwImages { get; init; }

        public required string LfwPairs { get; init; }

        public IReadOnlyList<ComparisonSetting> Settings { get; init; } = ComparisonSetting.Sweep;

        public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

        public int InputSize { get; init; } = 64;

        public int Epochs { get; init; } = 20;

        public int BatchSize { get; init; } = 64;

        public double LearningRate { get; init; } = 0.1;

        /// <summary>Folds of pairs.txt to evaluate on (10: the full protocol).</summary>
        public int LfwFolds { get; init; } = 10;

        /// <summary>
        /// Train again the runs whose file was written before rank-1 was measured (replacing the file, so every figure of a
        /// row comes from one model): how the identification column is completed for older runs.
        /// </summary>
        public bool RetrainUnranked { get; init; }

        /// <summary>The training budget: runs of different budgets are kept apart (a folder each).</summary>
        public string Budget => string.Create(CultureInfo.InvariantCulture, $"mfn{InputSize}-e{Epochs}-b{BatchSize}-lr{LearningRate}-f{LfwFolds}");
    }

    /// <summary>Trains and evaluates every setting and seed not yet in <paramref name="outputDirectory"/>, then writes the table from all result files there.</summary>
    public static Task<IReadOnlyList<ComparisonRun>> RunAsync(Options o, string outputDirectory, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(o);
        var pairs = new Lazy<List<LfwPair>>(() => [.. LfwPairs.Load(o.LfwPairs).Where(p => p.Fold < o.LfwFolds)]);
        FaceDataset? train = null;
        int loadedSeed = -1;
        return RunAsync(o, outputDirectory, async (setting, seed) =>
        {
            if (loadedSeed != seed)
            {
                (train, _) = FaceDataset.Load(o.Data, o.InputSize, heldOutShare: 0, seed: seed);
                loadedSeed = seed;
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            torch.manual_seed(seed);
            var net = new MobileFaceNet(128, o.InputSize);
            double scale = FeatureScale.Parse(setting.Scale ?? "64", train!.Identities.Count);
            var trainer = new Trainer<MobileFaceNet>(net, HeadFactory.Create(setting.Loss, 128, train.Identities.Count, scale, setting.Margin),
                new TrainerOptions { Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, WarmupSteps = 50, Seed = seed });
            trainer.Run(train);
            var (report, identification) = await LfwCheck.EvaluateWithIdentificationAsync(net, o.Detector, o.LfwImages, pairs.Value, cancellationToken).ConfigureAwait(false);
            return new ComparisonRun(setting.Key, seed, setting.Scale is null ? double.NaN : scale, report.MeanAccuracy, report.TarAtFar, watch.Elapsed.TotalSeconds, identification.Rank1);
        }, log);
    }

    /// <summary>The bookkeeping of <see cref="RunAsync(Options, string, Action{string}?, CancellationToken)"/> around any way of making one run.</summary>
    internal static async Task<IReadOnlyList<ComparisonRun>> RunAsync(Options o, string outputDirectory, Func<ComparisonSetting, int, Task<ComparisonRun>> trainOne, Action<string>? log = null)
    {
        string runs = RunsDirectory(o, outputDirectory);
        Directory.CreateDirectory(runs);
        foreach (int seed in o.Seeds)
        {
            foreach (var setting in o.Settings)
            {
                string file = Path.Combine(runs, $"{setting.Key}-seed{seed}.json");
                if (File.Exists(file) && !(o.RetrainUnranked && double.IsNaN(Read(file).Rank1)))
                {
                    log?.Invoke($"{setting.Key} seed {seed}: done before, skipped");
                    continue;
                }

                var run = await trainOne(setting, seed).ConfigureAwait(false);
                AtomicFile.WriteAllText(file, JsonSerializer.Serialize(run, Json));
                log?.Invoke($"{setting.Key} seed {seed}: LFW {run.Accuracy:P2}, TAR@FAR1e-3 {run.TarAtFar:P2} ({run.Seconds:F0} s)");
            }
        }

        var all = Load(o, outputDirectory);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, $"loss-comparison-{o.Budget}.md"), Table(all, o));
        return all;
    }

    /// <summary>Every result file of this budget in the folder (runs of other settings and seeds included).</summary>
    public static IReadOnlyList<ComparisonRun> Load(Options o, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(o);
        string runs = RunsDirectory(o, outputDirectory);
        return Directory.Exists(runs)
            ? [.. Directory.EnumerateFiles(runs, "*.json").Order(StringComparer.Ordinal).Select(Read)]
            : [];
    }

    private static ComparisonRun Read(string file) => JsonSerializer.Deserialize<ComparisonRun>(File.ReadAllText(file), Json)!;

    /// <summary>Mean +- sd per setting, the paired difference to Softmax with its 95% interval, and each loss's best setting marked.</summary>
    public static string Table(IReadOnlyList<ComparisonRun> runs, Options o)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(o);
        var bySetting = runs.GroupBy(r => r.Setting).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var softmax = runs.Where(r => r.Setting == "softmax").ToDictionary(r => r.Seed);
        var best = bySetting.GroupBy(g => ComparisonSetting.Parse(g.Key).Loss).Select(l => l.MaxBy(g => g.Average(r => r.Accuracy))!.Key).ToHashSet();

        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"MobileFaceNet {o.InputSize}x{o.InputSize}, {o.Epochs} epochs, batch {o.BatchSize}, lr {o.LearningRate}; LFW {o.LfwFolds} folds; **bold**: the loss's best setting\n\n");
        md.Append("| setting | scale | seeds | LFW accuracy % (mean ± sd) | TAR @ FAR 1e-3 % (mean ± sd) | accuracy − Softmax, paired (95% CI), points | rank-1 % with all distractors (seeds) | rank-1 − Softmax, paired (95% CI), points |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var g in bySetting)
        {
            var list = g.OrderBy(r => r.Seed).ToList();
            string name = best.Contains(g.Key) ? $"**{g.Key}**" : g.Key;
            string scale = double.IsNaN(list[0].Scale) ? "-" : list[0].Scale.ToString("0.##", CultureInfo.InvariantCulture);
            var ranked = list.Where(r => !double.IsNaN(r.Rank1)).ToList();
            string rank1 = ranked.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{MeanSd(ranked.Select(r => r.Rank1))} ({ranked.Count})");
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {scale} | {list.Count} | {MeanSd(list.Select(r => r.Accuracy))} | {MeanSd(list.Select(r => r.TarAtFar))} | {Paired(list, softmax, g.Key, r => r.Accuracy)} | {rank1} | {(ranked.Count == 0 ? "-" : Paired(ranked, softmax, g.Key, r => r.Rank1))} |\n");
        }

        return md.ToString();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string RunsDirectory(Options o, string outputDirectory) => Path.Combine(outputDirectory, "runs", o.Budget);

    /// <summary>Mean ± sample sd of fractions, in percent.</summary>
    internal static string MeanSd(IEnumerable<double> values)
    {
        var v = values.ToList();
        double mean = v.Average();
        return string.Create(CultureInfo.InvariantCulture, $"{mean * 100:F2} ± {Sd(v, mean) * 100:F2}");
    }

    /// <summary>The sample standard deviation (0 for one value).</summary>
    internal static double Sd(IReadOnlyList<double> v, double mean) => v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;

    /// <summary>The mean of the per-seed differences of a figure to Softmax's over the seeds both have it for, with Student's t interval.</summary>
    private static string Paired(List<ComparisonRun> runs, Dictionary<int, ComparisonRun> softmax, string setting, Func<ComparisonRun, double> figure)
    {
        if (setting == "softmax")
        {
            return "(reference)";
        }

        var d = runs.Where(r => softmax.TryGetValue(r.Seed, out var s) && !double.IsNaN(figure(s))).Select(r => figure(r) - figure(softmax[r.Seed])).ToList();
        if (d.Count == 0)
        {
            return "no common seed";
        }

        double mean = d.Average();
        if (d.Count == 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{mean * 100:+0.00;-0.00} (one seed)");
        }

        double half = StudentT975(d.Count - 1) * Sd(d, mean) / Math.Sqrt(d.Count);
        return string.Create(CultureInfo.InvariantCulture, $"{mean * 100:+0.00;-0.00} ({(mean - half) * 100:+0.00;-0.00} to {(mean + half) * 100:+0.00;-0.00})");
    }

    /// <summary>The 97.5% quantile of Student's t with <paramref name="df"/> degrees of freedom (1.96 past 30).</summary>
    internal static double StudentT975(int df) => df switch
    {
        < 1 => throw new ArgumentOutOfRangeException(nameof(df)),
        <= 30 => T975[df - 1],
        _ => 1.96,
    };

    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
}
