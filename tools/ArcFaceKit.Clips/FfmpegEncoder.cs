using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace ArcFaceKit.Clips;

/// <summary>
/// Debian's ffmpeg as a child process reading raw RGBA frames (Skia's own layout, so no conversion here) on its stdin
/// and writing an H.264 mp4 (libx264, the clip's CRF, yuv420p as players expect), with the clip's defocus (gblur) and
/// temporal Gaussian noise (noise, seeded by the clip's seed) applied by ffmpeg, which does it in C on its own threads.
/// The file is written as NAME.partial and renamed when ffmpeg succeeds.
/// </summary>
internal sealed class FfmpegEncoder : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly string _partial;
    private readonly string _path;
    private bool _finished;

    private FfmpegEncoder(Process process, string partial, string path)
    {
        _process = process;
        _partial = partial;
        _path = path;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static FfmpegEncoder Start(string ffmpeg, string path, ClipScript script)
    {
        string partial = path + ".partial";
        var start = new ProcessStartInfo(ffmpeg, Arguments(script, partial)) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            return new FfmpegEncoder(Process.Start(start) ?? throw new InvalidOperationException($"{ffmpeg} could not be started."), partial, path);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{ffmpeg} could not be started ({e.Message}): clips are encoded by ffmpeg, install it with `apt-get install ffmpeg`.", e);
        }
    }

    public static IReadOnlyList<string> Arguments(ClipScript script, string output)
    {
        var fx = script.Effects;
        var filters = new List<string>();
        if (fx.Defocus > 0)
        {
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"gblur=sigma={fx.Defocus}"));
        }

        if (fx.Noise > 0)
        {
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"noise=alls={(int)fx.Noise}:allf=t:all_seed={script.Seed}"));
        }

        var args = new List<string>
        {
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{script.Width}x{script.Height}", "-r", script.Fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
        };
        if (filters.Count > 0)
        {
            args.AddRange(["-vf", string.Join(',', filters)]);
        }

        args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-crf", fx.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-an", "-movflags", "+faststart", "-f", "mp4", output]);
        return args;
    }

    public void Write(ReadOnlySpan<byte> frame) => _process.StandardInput.BaseStream.Write(frame);

    /// <summary>Closes the pipe, waits for ffmpeg, and renames the file; ffmpeg's own error lines when it fails.</summary>
    public void Finish()
    {
        _process.StandardInput.Close();
        _process.WaitForExit();
        string errors = _stderr.Result.Trim();
        _finished = true;
        if (_process.ExitCode != 0)
        {
            File.Delete(_partial);
            throw new InvalidOperationException($"ffmpeg failed (exit {_process.ExitCode}) writing {_path}: {errors}");
        }

        File.Move(_partial, _path, overwrite: true);
    }

    public void Dispose()
    {
        if (!_finished)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // It had already exited.
            }

            File.Delete(_partial);
        }

        _process.Dispose();
    }
}
