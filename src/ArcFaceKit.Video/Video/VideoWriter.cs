using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// Writes frames to an H.264 MP4 (yuv420p, as players expect) through an ffmpeg child reading raw frames on its stdin:
/// the annotated video of `arcface video --annotate` and the generated test clips. The file appears only when it is
/// complete (written beside it, then renamed), so a failed or cancelled run leaves no half video.
/// </summary>
internal sealed class VideoWriter : IDisposable, IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly string _path;
    private readonly string _partial;
    private readonly int _frameBytes;
    private bool _completed;

    private VideoWriter(Process process, string path, string partial, int frameBytes)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        (_path, _partial, _frameBytes) = (path, partial, frameBytes);
    }

    public static VideoWriter Start(string path, int width, int height, VideoEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(encoding.Fps);
        string partial = path + ".partial";

        // yuv420p needs even sides: a pixel is padded where a side is odd, so any frame size can be written.
        string filters = string.Join(',', new[] { encoding.Filters, "pad=ceil(iw/2)*2:ceil(ih/2)*2" }.OfType<string>());
        var start = new ProcessStartInfo(FfmpegLocator.Ffmpeg(encoding.Ffmpeg))
        {
            RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in (string[])[
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", encoding.Rgba ? "rgba" : "rgb24",
            "-s", $"{width}x{height}", "-r", encoding.Fps.ToString("0.###", CultureInfo.InvariantCulture), "-i", "pipe:0", "-vf", filters,
            "-c:v", "libx264", "-preset", "veryfast", "-crf", encoding.Quality.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-an", "-movflags", "+faststart", "-f", "mp4", partial])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(start) ?? throw new VideoSourceException("ffmpeg could not be started.");
            return new VideoWriter(process, path, partial, width * height * (encoding.Rgba ? 4 : 3));
        }
        catch (Win32Exception e)
        {
            throw new VideoSourceException($"ffmpeg could not be started ({e.Message}): install ffmpeg with `apt-get install ffmpeg`.", e);
        }
    }

    /// <summary>One frame's pixels in the encoding's layout, rows top to bottom.</summary>
    public void Write(ReadOnlySpan<byte> pixels)
    {
        Check(pixels.Length);
        try
        {
            _process.StandardInput.BaseStream.Write(pixels);
        }
        catch (IOException e)
        {
            throw Stopped(e);
        }
    }

    public async Task WriteAsync(RgbImage frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Check(frame.Pixels.Length);
        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(frame.Pixels, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Stopped(e);
        }
    }

    /// <summary>Ends the video: ffmpeg finishes the file, which then takes its name.</summary>
    public void Complete() => CompleteAsync().GetAwaiter().GetResult();

    /// <summary>Ends the video: ffmpeg finishes the file, which then takes its name.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new VideoSourceException($"ffmpeg could not write {_path} (exit {_process.ExitCode}): {Errors()}");
        }

        File.Move(_partial, _path, overwrite: true);
        _completed = true;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _stderr.ConfigureAwait(false);
        _process.Dispose();
        if (!_completed)
        {
            File.Delete(_partial);
        }
    }

    private void Check(int length)
    {
        if (length != _frameBytes)
        {
            throw new ArgumentException($"A frame of {length} bytes for a video whose frames have {_frameBytes}.");
        }
    }

    private VideoSourceException Stopped(IOException e) => new($"ffmpeg stopped writing {_path}: {Errors()}", e);

    private string Errors() => _stderr.IsCompleted ? _stderr.Result.ReplaceLineEndings(" ").Trim() : "(no message yet)";
}
