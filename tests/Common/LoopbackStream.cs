using System.Diagnostics;

namespace ArcFaceKit.TestSupport;

/// <summary>
/// A live stream of a clip served on 127.0.0.1, a camera that can be frozen, killed and started again on the same port:
/// MPEG-TS over HTTP by ffmpeg (RECIPES.md: `-listen 1`, looped, at the clip's own rate), served again each time its one
/// client leaves, as a camera takes a new connection; or RTSP by GStreamer's RTSP server (rtsp-server.py; ffmpeg cannot
/// serve a client that plays), the clip once per client from its start. The video tests' camera, and the bench's live streams.
/// </summary>
internal sealed class LoopbackStream : IDisposable
{
    private static readonly TimeSpan Listening = TimeSpan.FromSeconds(15);
    private readonly bool _rtsp;
    private readonly string _clip;
    private readonly Lock _gate = new();
    private Process? _server;
    private Task _serving = Task.CompletedTask;
    private bool _up;

    public LoopbackStream(string clip, int port, bool rtsp = false)
    {
        (_clip, _rtsp) = (clip, rtsp);
        Url = rtsp ? $"rtsp://127.0.0.1:{port}/cam" : $"http://127.0.0.1:{port}/cam.ts";
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

    /// <summary>Serves again; an RTSP server is listening when this returns (or its failure is thrown, say a missing package).</summary>
    public void Restart()
    {
        _up = true;
        if (_rtsp)
        {
            lock (_gate)
            {
                _server?.Dispose();
                _server = StartRtsp();
            }
        }

        _serving = Task.Run(() => ServeAsync(started: _rtsp));
    }

    public void Dispose()
    {
        Kill();
        _server?.Dispose();
    }

    private async Task ServeAsync(bool started)
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

                if (!started)
                {
                    _server?.Dispose();   // exited: its client left
                    _server = _rtsp ? StartRtsp() : StartHttp();
                }

                (server, started) = (_server!, false);
            }

            await server.WaitForExitAsync();
        }
    }

    private Process StartHttp() => Process.Start(new ProcessStartInfo("ffmpeg",
        ["-nostdin", "-v", "quiet", "-re", "-stream_loop", "-1", "-i", _clip, "-c", "copy", "-f", "mpegts", "-listen", "1", Url])
    {
        // Not the test host's own streams: a server left running must not hold the test run's output open.
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    })!;

    private Process StartRtsp()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "rtsp-server.py");
        var server = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, _clip, new Uri(Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var ready = server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(Listening) || ready.Result != "serving")
        {
            server.Kill();
            server.WaitForExit();
            throw new InvalidOperationException($"The RTSP server did not start (apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good): {server.StandardError.ReadToEnd()}");
        }

        _ = server.StandardError.ReadToEndAsync();   // drained, so GStreamer's warnings never fill the pipe and block it
        return server;
    }
}
