namespace ArcFaceKit.Training.Tests;

/// <summary>The real arcface-train command (its dll beside the tests) as a child process.</summary>
public sealed class TrainingCliTests
{
    [Fact]
    public void Every_command_documents_itself()
    {
        foreach (var command in new[] { "prepare", "curves", "eight", "bench", "compare", "train" })
        {
            var (code, stdout, stderr) = ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "arcface-train.dll"), command, "--help"],
                environment: new Dictionary<string, string> { ["NO_COLOR"] = "1" });
            Assert.True(code == 0, $"{command}: {stderr}");
            Assert.Contains("USAGE", stdout, StringComparison.Ordinal);
        }
    }
}
