using ArcFaceKit.TestSupport;
using ArcFaceKit.Training.Experiments;

namespace ArcFaceKit.Training.Tests;

[Collection(SeededTorchCollection.Name)]
public class ExperimentTests
{
    [Fact]
    public void Target_logit_curves_are_written_with_the_heads_own_values()
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-curves-").FullName;
        try
        {
            TargetLogitCurves.Write(dir);
            var rows = File.ReadAllLines(Path.Combine(dir, "target-logit-curves.md")).Skip(2).ToList();
            Assert.Equal(5, rows.Count);
            Assert.Contains("| ArcFace m=0.5 | 0.878 |", rows[3], StringComparison.Ordinal);
            Assert.EndsWith("| -7.000 |", rows[1], StringComparison.Ordinal);
            Assert.Equal(900, Imaging.ImageDecoder.DecodeFile(Path.Combine(dir, "target-logit-curves.png")).Width);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Angular_separation_is_measured_in_degrees_on_the_circle()
    {
        // Two classes: around 0 degrees (one point wraps to 355) and around 90 degrees, each 5 degrees from its centre.
        static float[] At(double degrees, float length = 1) => [length * (float)Math.Cos(degrees * Math.PI / 180), length * (float)Math.Sin(degrees * Math.PI / 180)];
        var features = new[] { At(355), At(5, 3), At(85), At(95, 0.5f) };   // lengths do not matter: features are normalised
        var labels = new[] { 0, 0, 1, 1 };
        var s = EightIdentities.Measure(features, labels);
        Assert.Equal(90, s.MinBetweenCentres, 3);
        Assert.Equal(80, s.MinBetweenClasses, 3);
        Assert.Equal(5, s.MeanIntraClass, 3);
        Assert.Equal(1, s.NearestCentreAccuracy);
    }

    [Fact]
    public void Angular_separation_on_the_sphere_sees_overlap_and_the_sphere_plot_is_written()
    {
        // Three classes on the axes of 3-D space; one feature of class 2 lies on class 0's axis (nearer its centre).
        float[][] features = [[1, 0, 0], [1, 0.1f, 0], [0, 1, 0], [0, 1, 0.1f], [0, 0, 1], [1, 0, 0]];
        int[] labels = [0, 0, 1, 1, 2, 2];
        var s = EightIdentities.Measure(features, labels);
        Assert.Equal(0, s.MinBetweenClasses, 3);
        Assert.Equal(5.0 / 6, s.NearestCentreAccuracy, 6);
        string dir = Directory.CreateTempSubdirectory("arcfacekit-sphere-").FullName;
        try
        {
            string path = Path.Combine(dir, "sphere.png");
            FeaturePlots.Write(path, features, labels, "test");
            var image = Imaging.ImageDecoder.DecodeFile(path);
            Assert.Equal((3 * 420, 460), (image.Width, image.Height));      // three views side by side
            Assert.Throws<ArgumentException>(() => FeaturePlots.Write(path, [[1f, 0, 0, 0]], [0], "4-D"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Augmentation_is_fixed_by_its_seed_and_changes_the_crop()
    {
        var crop = Imaging.ImageDecoder.DecodeFile(Path.Combine(SharedRoot.Path, "datasets", "lfw-view2", "images", "Abel_Pacheco_0001.jpg")).Resize(64, 64);
        var a = Data.Augmentation.Apply(crop, new Random(7));
        var b = Data.Augmentation.Apply(crop, new Random(7));
        var c = Data.Augmentation.Apply(crop, new Random(8));
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, c.Pixels);
        Assert.NotEqual(crop.Pixels, a.Pixels);
        Assert.Equal((64, 64), (a.Width, a.Height));
    }

    [Fact]
    public void The_training_page_loss_table_is_the_one_its_committed_result_files_give()
    {
        // docs/results/loss-comparison holds the 45 result files of docs/training.md's sweep (15 settings, 3 seeds, 10 epochs).
        var options = new LossComparison.Options { Data = "", Detector = "", LfwImages = "", LfwPairs = "", Epochs = 10 };
        var runs = LossComparison.Load(options, Path.Combine(SharedRoot.Repository, "docs", "results", "loss-comparison"));
        Assert.Equal(options.Settings.Count * options.Seeds.Count, runs.Count);
        Assert.Equal(options.Settings.Select(s => s.Key).Order(StringComparer.Ordinal), runs.Select(r => r.Setting).Distinct().Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.False(double.IsNaN(r.Rank1), $"{r.Setting} seed {r.Seed} has no rank-1"));

        string page = File.ReadAllText(Path.Combine(SharedRoot.Repository, "docs", "training.md"));
        Assert.Contains(LossComparison.Table(runs, options).Trim(), page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_training_page_eight_identities_table_is_the_one_its_committed_result_files_give()
    {
        // docs/results/eight holds the 12 result files of docs/training.md's table: 2 losses x 2 feature sizes x 3 seeds.
        var runs = EightIdentities.Load(Path.Combine(SharedRoot.Repository, "docs", "results"));
        Assert.Equal(12, runs.Count);
        Assert.Equal(12, runs.Select(r => (r.Loss, r.Dimension, r.Seed)).Distinct().Count());

        string page = File.ReadAllText(Path.Combine(SharedRoot.Repository, "docs", "training.md"));
        Assert.Contains(EightIdentities.Table(runs).Trim(), page, StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_comparison_table_gives_mean_sd_and_the_paired_difference_to_softmax()
    {
        var options = new LossComparison.Options { Data = "d", Detector = "m", LfwImages = "i", LfwPairs = "p", Epochs = 3 };
        string table = LossComparison.Table(
        [
            new("arcface-sauto-m0.5", 0, 8.06, 0.90, 0.50, 1, Rank1: 0.55), new("arcface-sauto-m0.5", 1, 8.06, 0.92, 0.60, 1, Rank1: 0.58), new("arcface-sauto-m0.5", 2, 8.06, 0.94, 0.60, 1),
            new("arcface-s64-m0.5", 0, 64, 0.70, 0.10, 1),
            new("softmax", 0, double.NaN, 0.80, 0.30, 1, Rank1: 0.50), new("softmax", 1, double.NaN, 0.80, 0.30, 1, Rank1: 0.52), new("softmax", 2, double.NaN, 0.81, 0.30, 1),
        ], options);

        // Differences 10, 12, 13 points: mean 11.67, sd 1.53, t(2) = 4.303: half-width 3.79.
        Assert.Contains("| **arcface-sauto-m0.5** | 8.06 | 3 | 92.00 ± 2.00 | 56.67 ± 5.77 | +11.67 (+7.87 to +15.46) |", table, StringComparison.Ordinal);
        Assert.Contains("| arcface-s64-m0.5 | 64 | 1 | 70.00 ± 0.00 | 10.00 ± 0.00 | -10.00 (one seed) |", table, StringComparison.Ordinal);
        Assert.Contains("| **softmax** | - | 3 | 80.33 ± 0.58 | 30.00 ± 0.00 | (reference) | 51.00 ± 1.41 (2) | (reference) |", table, StringComparison.Ordinal);   // rank-1 where measured
        Assert.Contains("| -10.00 (one seed) | - | - |", table, StringComparison.Ordinal);

        // Rank-1 paired over the seeds both measured: +5 and +6 points, t(1) = 12.706: half-width 6.35.
        Assert.Contains("| 56.50 ± 2.12 (2) | +5.50 (-0.85 to +11.85) |", table, StringComparison.Ordinal);
        Assert.Contains("3 epochs", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_comparison_skips_finished_runs_and_makes_the_same_table_from_the_files()
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-compare-").FullName;
        try
        {
            var options = new LossComparison.Options
            {
                Data = "d", Detector = "m", LfwImages = "i", LfwPairs = "p", Epochs = 3, Seeds = [0, 1],
                Settings = [new("softmax"), ComparisonSetting.Parse("arcface-sauto-m0.4")],
            };
            var trained = new List<string>();
            Task<ComparisonRun> Fake(ComparisonSetting setting, int seed)
            {
                trained.Add($"{setting.Key}/{seed}");
                return Task.FromResult(new ComparisonRun(setting.Key, seed, 8, 0.8 + (0.01 * trained.Count), 0.3, 1));
            }

            var first = await LossComparison.RunAsync(options, dir, Fake);
            Assert.Equal(4, trained.Count);
            string table = File.ReadAllText(Directory.GetFiles(dir, "loss-comparison-*.md").Single());

            // A second sitting with one more seed trains only that seed's runs.
            var second = await LossComparison.RunAsync(options with { Seeds = [0, 1, 2] }, dir, Fake);
            Assert.Equal(["softmax/0", "arcface-sauto-m0.4/0", "softmax/1", "arcface-sauto-m0.4/1", "softmax/2", "arcface-sauto-m0.4/2"], trained);
            Assert.Equal(6, second.Count);

            // Nothing left to train: the same runs, the same table.
            var third = await LossComparison.RunAsync(options with { Seeds = [0, 1, 2] }, dir, Fake);
            Assert.Equal(6, trained.Count);
            Assert.Equal(second, third);
            Assert.Equal(LossComparison.Table(second, options), LossComparison.Table(LossComparison.Load(options, dir), options));
            Assert.NotEqual(table, LossComparison.Table(second, options));
            Assert.Equal(first, LossComparison.Load(options, dir).Where(r => r.Seed < 2).ToList());

            // A result file from before rank-1 was measured reads as not measured.
            string runs = Path.GetDirectoryName(Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories)[0])!;
            File.WriteAllText(Path.Combine(runs, "center-seed0.json"), """{"setting":"center","seed":0,"scale":"NaN","accuracy":0.8,"tarAtFar":0.3,"seconds":1}""");
            Assert.True(double.IsNaN(LossComparison.Load(options, dir).Single(r => r.Setting == "center").Rank1));

            // Asked to, a sitting trains such a run again and replaces its file; measured runs stay skipped.
            var ranked = new List<string>();
            Task<ComparisonRun> Ranked(ComparisonSetting setting, int seed)
            {
                ranked.Add($"{setting.Key}/{seed}");
                return Task.FromResult(new ComparisonRun(setting.Key, seed, double.NaN, 0.81, 0.3, 1, 0.09));
            }

            var center = options with { Seeds = [0], Settings = [new("center")] };
            await LossComparison.RunAsync(center, dir, Ranked);
            Assert.Empty(ranked);
            await LossComparison.RunAsync(center with { RetrainUnranked = true }, dir, Ranked);
            await LossComparison.RunAsync(center with { RetrainUnranked = true }, dir, Ranked);
            Assert.Equal(["center/0"], ranked);
            Assert.Equal(0.09, LossComparison.Load(options, dir).Single(r => r.Setting == "center").Rank1);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task The_lfw_check_identifies_from_the_embeddings_it_verified_with()
    {
        string lfw = Path.Combine(SharedRoot.Path, "datasets", "lfw-view2");
        // 15 same and 15 different pairs of each of two folds (the protocol needs two).
        var pairs = Evaluation.LfwPairs.Load(Path.Combine(lfw, "pairs.txt")).Where(p => p.Fold < 2).GroupBy(p => (p.Fold, p.Same)).SelectMany(g => g.Take(15)).ToList();
        TorchSharp.torch.manual_seed(0);
        var net = new Backbones.MobileFaceNet(128, 64);
        var (verification, identification) = await LfwCheck.EvaluateWithIdentificationAsync(net, Path.Combine(SharedRoot.Path, "models", "yunet_s_dynamic.onnx"), Path.Combine(lfw, "images"), pairs);

        // Gallery people: those with two or more of the pairs' photos, one photo each in the gallery, the rest probes;
        // people with one photo are the distractors (a photo without a face is still a probe, answered wrongly).
        var people = pairs.SelectMany(p => new[] { p.Image1, p.Image2 }).Distinct().GroupBy(Evaluation.LfwIdentification.PersonOf).ToList();
        Assert.Equal(people.Where(g => g.Count() > 1).Sum(g => g.Count() - 1), identification.Probes + identification.IdentitiesWithoutGalleryFace);
        Assert.Equal(people.Count(g => g.Count() == 1), identification.Distractors);
        Assert.InRange(identification.Rank1, 0, 1);
        Assert.InRange(verification.MeanAccuracy, 0, 1);
    }

    [Fact]
    public void Setting_keys_round_trip_and_the_sweep_has_both_scales()
    {
        foreach (var s in ComparisonSetting.Sweep)
        {
            Assert.Equal(s, ComparisonSetting.Parse(s.Key));
        }

        Assert.Equal(15, ComparisonSetting.Sweep.Count);
        Assert.Contains(new ComparisonSetting("arcface", "auto", 0.4), ComparisonSetting.Sweep);
        Assert.Contains(new ComparisonSetting("cosface", "64", 0.25), ComparisonSetting.Sweep);
        Assert.Equal(new ComparisonSetting("norm-softmax", "32"), ComparisonSetting.Parse("norm-softmax-s32"));
        Assert.Throws<ArgumentException>(() => ComparisonSetting.Parse("arcface-x1"));
        Assert.Equal(4.303, LossComparison.StudentT975(2), 3);
    }
}
