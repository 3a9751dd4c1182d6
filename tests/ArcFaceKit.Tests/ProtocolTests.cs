using ArcFaceKit.Evaluation;
using ArcFaceKit.Reports;

namespace ArcFaceKit.Tests;

public class ProtocolTests
{
    [Fact]
    public void Pairs_file_has_ten_folds_of_600()
    {
        var pairs = LfwPairs.Load(Path.Combine(Shared.Lfw, "pairs.txt"));
        Assert.Equal(6000, pairs.Count);
        Assert.All(Enumerable.Range(0, 10), f => Assert.Equal(600, pairs.Count(p => p.Fold == f)));
        Assert.Equal(3000, pairs.Count(p => p.Same));
        Assert.Equal(new LfwPair("Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg", true, 0), pairs[0]);
        Assert.All(pairs, p => Assert.True(File.Exists(Shared.LfwImage(p.Image1)) && File.Exists(Shared.LfwImage(p.Image2))));
    }

    [Fact]
    public void Separable_scores_give_full_accuracy_and_a_threshold_between_the_classes()
    {
        var scores = new List<float>();
        var same = new List<bool>();
        var folds = new List<int>();
        for (int i = 0; i < 1000; i++)
        {
            scores.Add(i % 2 == 0 ? 0.6f + (i % 7 * 0.01f) : 0.1f + (i % 5 * 0.01f));
            same.Add(i % 2 == 0);
            folds.Add(i % 10);
        }

        var r = VerificationProtocol.Evaluate(scores, same, folds);
        Assert.Equal(1.0, r.MeanAccuracy);
        Assert.Equal(0.0, r.StdAccuracy);
        Assert.InRange(r.BestThreshold, 0.14f, 0.6f);
        Assert.Equal(1.0, r.TarAtFar);
        Assert.Equal(0.0, r.FarAchieved);
    }

    [Fact]
    public void One_fold_is_refused_clearly()
    {
        var e = Assert.Throws<ArgumentException>(() => VerificationProtocol.Evaluate([0.1f, 0.9f], [false, true], [0, 0]));
        Assert.Contains("at least two folds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Best_threshold_matches_brute_force()
    {
        var rng = new Random(7);
        var scores = Enumerable.Range(0, 400).Select(_ => (float)rng.NextDouble()).ToArray();
        var same = scores.Select(s => rng.NextDouble() < s).ToArray();
        var (t, acc) = VerificationProtocol.BestThreshold(scores, same);
        double brute = scores.Append(2f).Max(c => VerificationProtocol.Accuracy(scores, same, c));
        Assert.Equal(brute, acc, 10);
        Assert.Equal(acc, VerificationProtocol.Accuracy(scores, same, t), 10);
    }

    [Fact]
    public void Tar_at_far_allows_exactly_the_target_share_of_false_accepts()
    {
        // 2000 impostors at 0.000..0.1999, 1000 genuines spread over 0.1..0.6: FAR 1e-3 allows 2 impostors.
        var impostors = Enumerable.Range(0, 2000).Select(i => i / 10000f).ToList();
        var genuines = Enumerable.Range(0, 1000).Select(i => 0.1f + (i / 2000f)).ToList();
        var r = VerificationProtocol.Evaluate([.. impostors, .. genuines], [.. impostors.Select(_ => false), .. genuines.Select(_ => true)], [.. Enumerable.Range(0, 3000).Select(i => i % 10)]);
        Assert.Equal(0.001, r.FarAchieved, 10);
        Assert.InRange(r.FarThreshold, 0.1997f, 0.1998f);
        Assert.Equal(genuines.Count(g => g >= r.FarThreshold) / 1000.0, r.TarAtFar, 10);
        Assert.True(r.Roc.Count > 100);
        Assert.Equal(1.0, r.Roc[^1].Far);
    }

    [Fact]
    public void Roc_plot_is_a_png_with_its_curve_and_labels_drawn()
    {
        var scores = Enumerable.Range(0, 600).Select(i => (i % 2 == 0 ? 0.5f : 0.1f) + (i % 13 * 0.02f)).ToList();
        var r = VerificationProtocol.Evaluate(scores, [.. scores.Select((_, i) => i % 2 == 0)], [.. scores.Select((_, i) => i % 10)]);
        string path = Path.Combine(Path.GetTempPath(), $"roc-{Guid.NewGuid():N}.png");
        try
        {
            RocPlot.WritePng(path, r.Roc, "TITLE");
            var image = Imaging.ImageDecoder.DecodeFile(path);
            Assert.Equal((800, 600), (image.Width, image.Height));

            // The title band (above the plot frame) holds dark text pixels only if a font was found and used.
            int dark = 0;
            for (int y = 20; y < 50; y++)
            {
                for (int x = 80; x < 200; x++)
                {
                    dark += image.Pixels[((y * 800) + x) * 3] < 100 ? 1 : 0;
                }
            }

            Assert.True(dark > 50, $"only {dark} dark pixels where the title should be");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
