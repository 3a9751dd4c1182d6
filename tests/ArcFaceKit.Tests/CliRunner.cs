namespace ArcFaceKit.Tests;

/// <summary>Runs the real CLI (arcface.dll beside the tests) as a child process.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null) =>
        ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "arcface.dll"), .. args], workingDirectory,
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["NO_COLOR"] = "1" });
}
