using ArcFaceKit.Training.Experiments;

namespace ArcFaceKit.Training.Tests;

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
        double Rad(double d) => d * Math.PI / 180;
        var angles = new[] { Rad(355), Rad(5), Rad(85), Rad(95) };
        var labels = new[] { 0, 0, 1, 1 };
        var s = EightIdentities.Measure(angles, labels);
        Assert.Equal(90, s.MinBetweenCentres, 6);
        Assert.Equal(80, s.MinBetweenClasses, 6);
        Assert.Equal(5, s.MeanIntraClass, 6);
    }

    [Fact]
    public void Loss_comparison_table_gives_mean_and_sample_sd_per_loss()
    {
        var options = new LossComparison.Options { Data = "d", Detector = "m", LfwImages = "i", LfwPairs = "p", Seeds = [0, 1], Epochs = 3 };
        string table = LossComparison.Table([new("arcface", 0, 0.90, 0.50, 1), new("arcface", 1, 0.92, 0.60, 1), new("softmax", 0, 0.80, 0.30, 1), new("softmax", 1, 0.80, 0.30, 1)], options);
        Assert.Contains("| arcface | 91.00 ± 1.41 | 55.00 ± 7.07 |", table, StringComparison.Ordinal);
        Assert.Contains("| softmax | 80.00 ± 0.00 | 30.00 ± 0.00 |", table, StringComparison.Ordinal);
        Assert.Contains("3 epochs", table, StringComparison.Ordinal);
    }
}
