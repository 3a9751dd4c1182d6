using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// Writes frames to an H.264 MP4 through an ffmpeg child reading raw RGB on its stdin: the annotated video of
/// `arcface video --annotate` and the generated test clips. The file appears only when it is complete (written beside
/// it, then renamed), so a failed or cancelled run leaves no half video.
/// </summary>
internal sealed class VideoWriter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly string _path;
    private readonly string _partial;
    private readonly int _width;
    private readonly int _height;
    private bool _completed;

    private VideoWriter(Process process, string path, string partial, int width, int height)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        (_path, _partial, _width, _height) = (path, partial, width, height);
    }

    /// <summary>Starts ffmpeg for frames of one size at a constant rate; <paramref name="quality"/> is x264's CRF (lower: better, larger).</summary>
    public static VideoWriter Start(string path, int width, int height, double fps, int quality = 23, string ffmpeg = "ffmpeg")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        string partial = path + ".partial";
        var start = new ProcessStartInfo(FfmpegLocator.Ffmpeg(ffmpeg))
        {
            RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in (string[])[
            "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", fps.ToString("0.###", CultureInfo.InvariantCulture), "-i", "pipe:0",
            // yuv420p needs even sides: a pixel is padded where a side is odd, so any frame size can be written.
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", quality.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", partial])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return new VideoWriter(Process.Start(start) ?? throw new VideoSourceException("ffmpeg could not be started."), path, partial, width, height);
        }
        catch (Win32Exception e)
        {
            throw new VideoSourceException($"ffmpeg could not be started ({e.Message}): install ffmpeg with `apt-get install ffmpeg`.", e);
        }
    }

    public async Task WriteAsync(RgbImage frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if ((frame.Width, frame.Height) != (_width, _height))
        {
            throw new ArgumentException($"A {frame.Width}x{frame.Height} frame for a {_width}x{_height} video.", nameof(frame));
        }

        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(frame.Pixels, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new VideoSourceException($"ffmpeg stopped writing {_path}: {await ErrorsAsync().ConfigureAwait(false)}", e);
        }
    }

    /// <summary>Ends the video: ffmpeg finishes the file, which then takes its name.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new VideoSourceException($"ffmpeg could not write {_path} (exit {_process.ExitCode}): {await ErrorsAsync().ConfigureAwait(false)}");
        }

        File.Move(_partial, _path, overwrite: true);
        _completed = true;
    }

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

    private async Task<string> ErrorsAsync() => (await _stderr.ConfigureAwait(false)).ReplaceLineEndings(" ").Trim();
}
