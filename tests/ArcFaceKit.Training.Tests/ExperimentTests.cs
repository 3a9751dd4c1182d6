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
}
