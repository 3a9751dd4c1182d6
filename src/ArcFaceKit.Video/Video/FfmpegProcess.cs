using System.ComponentModel;
using System.Diagnostics;
using System.Threading.Channels;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// One ffmpeg child writing raw RGB frames to its stdout. Its stderr is read all along: showinfo's line for a frame
/// (logged before the frame is written) gives the frame's size and time, so frames are read by the size ffmpeg states.
/// Disposal, cancellation and <see cref="Kill"/> end the process tree and wait for it (no zombie is left).
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const int FirstErrorsKept = 2;
    private readonly Process _process;
    private readonly Channel<(int Width, int Height, TimeSpan? Time)> _frames = Channel.CreateUnbounded<(int, int, TimeSpan?)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<string> _errors = [];
    private string? _latestError;
    private readonly Task _stderr;
    private readonly CancellationTokenRegistration _killOnCancel;

    private FfmpegProcess(Process process, CancellationToken cancellationToken)
    {
        _process = process;
        _stderr = Task.Run(ReadStderrAsync, CancellationToken.None);
        _killOnCancel = cancellationToken.Register(Kill);
    }

    /// <summary>The stdout pipe ended inside a frame: ffmpeg died or was killed mid-write.</summary>
    public bool EndedMidFrame { get; private set; }

    /// <summary>
    /// ffmpeg's first error lines (where a file's damage begins) and its latest (why a long live connection ended), for a
    /// one-line message; empty when there were none.
    /// </summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return string.Join("; ", _latestError is { } latest && !_errors.Contains(latest) ? [.. _errors, latest] : _errors);
            }
        }
    }

    public static FfmpegProcess Start(string ffmpeg, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpeg, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            return new FfmpegProcess(Process.Start(start) ?? throw new VideoSourceException($"{ffmpeg} could not be started."), cancellationToken);
        }
        catch (Win32Exception e)
        {
            throw new VideoSourceException($"{ffmpeg} could not be started ({e.Message}): install ffmpeg with `apt-get install ffmpeg`.", e);
        }
    }

    /// <summary>The next frame, or null when ffmpeg has ended (see its exit code and <see cref="Errors"/>).</summary>
    public async ValueTask<DecodedFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (!await _frames.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !_frames.Reader.TryRead(out var frame))
        {
            return null;
        }

        var image = new RgbImage(frame.Width, frame.Height);
        int read = await _process.StandardOutput.BaseStream.ReadAtLeastAsync(image.Pixels, image.Pixels.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < image.Pixels.Length)
        {
            EndedMidFrame = true;
            return null;
        }

        return new DecodedFrame(image, frame.Time);
    }

    /// <summary>ffmpeg's exit code, once it and its stderr have ended.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _stderr.ConfigureAwait(false);
        return _process.ExitCode;
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        Kill();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _stderr.ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task ReadStderrAsync()
    {
        (long Num, long Den) timeBase = (0, 1);
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (FfmpegLogLine.TryFrame(line, out int width, out int height, out long? pts))
            {
                _frames.Writer.TryWrite((width, height, pts is { } p && timeBase.Num > 0 ? Time(p, timeBase) : null));
            }
            else if (FfmpegLogLine.TryTimeBase(line, out long num, out long den))
            {
                timeBase = (num, den);
            }
            else if (FfmpegLogLine.TryError(line, out string message))
            {
                Keep(message);
            }
        }

        _frames.Writer.TryComplete();
    }

    private void Keep(string message)
    {
        lock (_errors)
        {
            if (_errors.Count < FirstErrorsKept)
            {
                _errors.Add(message);
            }

            _latestError = message;
        }
    }

    /// <summary>pts x time base, rounded to TimeSpan's 100 ns: exact for GIF's centiseconds and MP4's usual time bases.</summary>
    private static TimeSpan Time(long pts, (long Num, long Den) timeBase)
    {
        Int128 scaled = (Int128)pts * timeBase.Num * TimeSpan.TicksPerSecond;
        return TimeSpan.FromTicks((long)((scaled + (timeBase.Den / 2)) / timeBase.Den));
    }
}
