using System.Diagnostics;

namespace ArcFaceKit.TestSupport;

/// <summary>
/// A live MPEG-TS stream of a clip served on 127.0.0.1 by ffmpeg (RECIPES.md: `-listen 1`, looped, at the clip's own
/// rate), served again each time its one client leaves, as a camera takes a new connection: a camera that can be
/// frozen, killed and started again on the same port. The video tests' camera, and the bench's live streams.
/// </summary>
internal sealed class LoopbackStream : IDisposable
{
    private readonly string _clip;
    private readonly Lock _gate = new();
    private Process? _server;
    private Task _serving = Task.CompletedTask;
    private bool _up;

    public LoopbackStream(string clip, int port)
    {
        (_clip, Url) = (clip, $"http://127.0.0.1:{port}/cam.ts");
        Restart();
    }

    public string Url { get; }

    /// <summary>The ffmpeg serving now (or last), which the test must not count among the reader's children.</summary>
    public int ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _server?.Id ?? 0;
            }
        }
    }

    /// <summary>SIGSTOP: the connection stays open and no byte comes, as from a camera that hangs.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _up = false;   // frozen is not ended: nothing is served again until Restart
            if (ChildProcess.Run("kill", ["-STOP", _server!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode != 0)
            {
                throw new InvalidOperationException($"The stream server {_server.Id} could not be frozen.");
            }
        }
    }

    public void Kill()
    {
        lock (_gate)
        {
            _up = false;
            _server?.Kill();
        }

        _serving.Wait();
    }

    public void Restart()
    {
        _up = true;
        _serving = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        Kill();
        _server?.Dispose();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            Process server;
            lock (_gate)
            {
                if (!_up)
                {
                    return;
                }

                _server?.Dispose();   // exited: its client left
                server = _server = Process.Start(new ProcessStartInfo("ffmpeg",
                    ["-nostdin", "-v", "quiet", "-re", "-stream_loop", "-1", "-i", _clip, "-c", "copy", "-f", "mpegts", "-listen", "1", Url])
                {
                    // Not the test host's own streams: a server left running must not hold the test run's output open.
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
            }

            await server.WaitForExitAsync();
        }
    }
}
