using System.Diagnostics;
using ArcFaceKit.Video;

namespace ArcFaceKit.Bench;

/// <summary>
/// `video-decode`: the floor of any video analysis. For each clip (--clips, from ../shared/datasets/video), ffmpeg
/// decoding alone (`-f null`, the baseline in the same run), then the frames as a <see cref="VideoSource"/> delivers
/// them (decoded, converted to RGB, piped, read), at every frame and at 5 fps: medians of --repeats (3) runs, in frames
/// a second and real-time factor (seconds of video per second of wall clock).
/// </summary>
internal static class VideoDecodeBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        string[] clips = (options.Value("--clips") ?? "franck.mp4,webcam-a.mp4").Split(',');
        int repeats = options.Int("--repeats", 3);
        int? threads = options.Value("--threads") is null ? null : options.Int("--threads", 0);
        Console.WriteLine($"video-decode: medians of {repeats} runs, {Environment.ProcessorCount} cores, ffmpeg threads {threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}");
        Console.WriteLine("  clip            size      frames   seconds   way                        frames/s   real time");
        foreach (string clip in clips)
        {
            string path = Path.Combine(options.Videos, clip);
            await using var probe = await VideoSource.OpenAsync(path);
            var info = probe.Info!;
            double seconds = info.Duration?.TotalSeconds ?? double.NaN;
            string head = $"  {clip,-15} {info.Width}x{info.Height,-5} {info.FrameCount,7} {seconds,9:F1}";
            double floor = Median(repeats, () => Task.FromResult(FfmpegNull(path, threads)));
            Console.WriteLine($"{head}   ffmpeg -f null (floor)     {info.FrameCount / floor,8:F0}   {seconds / floor,7:F1}x");
            foreach (double? fps in new double?[] { null, 5 })
            {
                long frames = 0;
                double wall = Median(repeats, async () =>
                {
                    var watch = Stopwatch.StartNew();
                    await using var source = await VideoSource.OpenAsync(path, new VideoSourceOptions { Fps = fps, DecoderThreads = threads });
                    frames = 0;
                    await foreach (var _ in source.ReadFramesAsync())
                    {
                        frames++;
                    }

                    return watch.Elapsed.TotalSeconds;
                });
                string way = fps is null ? "VideoSource, every frame" : $"VideoSource, {fps} fps ({frames} fr)";
                Console.WriteLine($"{head}   {way,-26} {frames / wall,8:F0}   {seconds / wall,7:F1}x");
            }
        }
    }

    private static double Median(int repeats, Func<Task<double>> run) =>
        Stats.Median(Enumerable.Range(0, repeats).Select(_ => run().GetAwaiter().GetResult()).ToList());

    private static double FfmpegNull(string path, int? threads)
    {
        string[] thread = threads is { } t ? ["-threads", t.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var watch = Stopwatch.StartNew();
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-nostdin", "-v", "error", .. thread, "-i", path, "-f", "null", "-"]))!;
        ffmpeg.WaitForExit();
        return watch.Elapsed.TotalSeconds;
    }
}
