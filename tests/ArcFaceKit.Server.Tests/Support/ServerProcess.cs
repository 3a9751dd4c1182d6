using System.Diagnostics;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The real `arcface-server` as a child process on 127.0.0.1, so a test can SIGKILL it and start it again.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "arcface-server.dll");

    /// <summary>Runs arcface-server with these arguments to its end.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(IEnumerable<string> args) => ChildProcess.Run("dotnet", [Dll, .. args]);

    /// <summary>Runs `arcface-server keys create` on the store and returns the token.</summary>
    public static string CreateKey(IEnumerable<string> storeArgs)
    {
        var (code, token, error) = ChildProcess.Run("dotnet", [Dll, "keys", "create", "test", "--scope", "read,write", .. storeArgs]);
        return code == 0 ? token.Trim() : throw new InvalidOperationException($"keys create failed: {error}");
    }

    /// <summary>Starts `serve` on the store with the test models and waits until health answers.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> storeArgs)
    {
        int port = Ports.Free();
        var start = new ProcessStartInfo("dotnet",
        [
            Dll, "serve", .. storeArgs, "--detector", TestModels.Detector, "--embedder", TestModels.Embedder, "--input-size", "320",
            "--urls", $"http://127.0.0.1:{port}", "--rate", "100000",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var server = new ServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = server.Url };
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"The server exited: {server.Output}");
            }

            try
            {
                if ((await http.GetAsync("v1/health")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        server.Dispose();
        throw new TimeoutException($"The server did not answer within 60 s: {server.Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
