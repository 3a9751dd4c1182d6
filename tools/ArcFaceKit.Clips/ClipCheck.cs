using System.Diagnostics;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Clips;

/// <summary>
/// `--check`: decodes a written clip with ffmpeg and runs the detector on every frame, counting the ground truth's
/// counted boxes that a detection overlaps at IoU 0.5 or more. It says whether the boxes are where a detector sees faces
/// after blur, noise and compression (the number the docs report), not how good a tracker is.
/// </summary>
internal static class ClipCheck
{
    public static (int Counted, int Found) Run(string ffmpeg, string video, int width, int height, IReadOnlyList<MotRow> rows, IFaceDetector detector)
    {
        var truth = rows.Where(r => !r.Ignored).ToLookup(r => r.Frame);
        var start = new ProcessStartInfo(ffmpeg, ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ffmpeg} could not be started.");
        var stderr = process.StandardError.ReadToEndAsync();
        int counted = 0, found = 0;
        for (int frame = 1; ; frame++)
        {
            var image = new RgbImage(width, height);
            if (process.StandardOutput.BaseStream.ReadAtLeast(image.Pixels, image.Pixels.Length, throwOnEndOfStream: false) < image.Pixels.Length)
            {
                break;
            }

            var faces = detector.Detect(image);
            foreach (var row in truth[frame])
            {
                counted++;
                found += faces.Any(f => f.Box.IoU(row.Box) >= 0.5f) ? 1 : 0;
            }
        }

        process.WaitForExit();
        return process.ExitCode == 0 ? (counted, found) : throw new InvalidOperationException($"ffmpeg could not decode {video}: {stderr.Result.Trim()}");
    }
}
