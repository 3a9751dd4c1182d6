using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.TestSupport;
using ArcFaceKit.Video;

namespace ArcFaceKit.Bench;

/// <summary>
/// `video`: the whole analysis of a clip beside its floors and the naive way, in one run on the same clip and models:
/// frames as the source delivers them (decoding, the floor), decoding plus detection on every analysed frame, the
/// analysis (tracking and embedding once per track included), and the naive way (detect and embed every face of every
/// frame, as DeepFace's and face_recognition's examples do), at 5 analysed frames a second and at the full rate, as
/// real-time factors; embedder runs of the analysis against the naive way's; and how many live streams of the clip,
/// served on 127.0.0.1 at their own rate, the machine keeps up with at 5 frames a second, dropping none. One core or
/// two: run it under `taskset -c 0` for one (ffmpeg inherits the affinity; the first line says the cores seen).
/// </summary>
internal static class VideoAnalysisBench
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);
    private const double LiveFps = 5;

    public static async Task RunAsync(BenchOptions options)
    {
        string[] clips = (options.Value("--clips") ?? "webcam-a.mp4").Split(',');
        var models = new FaceModels
        {
            Detector = options.Value("--detector") ?? ModelStore.DefaultDetector(),
            Embedder = options.Value("--embedder") ?? ModelStore.DefaultEmbedder(),
        };
        using var pipeline = FacePipeline.Open(models);
        await using var gallery = options.Value("--gallery") is { } file ? await SqliteGallery.OpenAsync(file, pipeline.Embedder.Identity) : null;
        Console.WriteLine($"video: {Environment.ProcessorCount} cores, {pipeline.Detector.GetType().Name} + {pipeline.Embedder.Identity.Name}, gallery {(gallery is null ? "none" : $"{await gallery.CountFacesAsync()} faces")}");
        Console.WriteLine("  clip                  size       rate    way                                 real time   vs detect   embedder runs");
        foreach (string clip in clips)
        {
            string path = File.Exists(clip) ? clip : Path.Combine(options.Videos, clip);
            foreach (double? fps in new double?[] { 5, null })
            {
                await MeasureAsync(path, fps, pipeline, gallery, options.Int("--repeats", 3));
            }
        }

        await StreamsAsync(Path.Combine(options.Videos, options.Value("--stream-clip") ?? clips[0]), pipeline, options.Int("--max-streams", 6), options.Int("--stream-seconds", 20),
            options.Int("--live-queue", new VideoSourceOptions().QueueCapacity));
    }

    private static async Task MeasureAsync(string path, double? fps, FacePipeline pipeline, IFaceGallery? gallery, int repeats)
    {
        await using var probe = await VideoSource.OpenAsync(path);
        var info = probe.Info!;
        await foreach (var first in probe.ReadFramesAsync())
        {
            await pipeline.AnalyzeAsync(first.Image);   // warm: the first model runs are not the steady state
            break;
        }

        double seconds = info.Duration?.TotalSeconds ?? double.NaN;
        string head = $"  {Path.GetFileName(path),-21} {info.Width}x{info.Height,-5} {(fps is { } f ? $"{f} fps" : "all"),-7}";
        void Line(string way, double wall, double? detect, string runs) =>
            Console.WriteLine($"{head} {way,-35} {seconds / wall,8:F1}x   {(detect is { } d ? $"{wall / d,7:F2}x" : "       ")}   {runs}");

        // Each way the median of the repeats, its counts from the last (all runs count alike: files are deterministic).
        double decode = await TimeAsync(path, fps, repeats, _ => Task.CompletedTask);
        Line("decoding (VideoSource, the floor)", decode, null, "");
        double detect = await TimeAsync(path, fps, repeats, frame => pipeline.DetectAsync(frame.Image));

        Line("decoding + detection", detect, null, "");
        VideoAnalyzer? analyzer = null;
        var named = new List<double>();
        int tracks = 0;
        double analysis = await TimeRunAsync(path, fps, repeats, async source =>
        {
            (analyzer, tracks) = (new VideoAnalyzer(pipeline, gallery), 0);
            named.Clear();
            await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync()))
            {
                tracks += frame.Events.Count(e => e.Kind == VideoEventKind.TrackStarted);
                named.AddRange(frame.Events.Where(e => e.Kind == VideoEventKind.Identified).Select(e => (e.LastSeen - e.FirstSeen).TotalSeconds));
            }
        });
        string toName = named.Count > 0 ? $", named (a subject or a visitor) a median {Stats.Median(named):F2} s into the track" : "";
        Line("the analysis (tracked, once a track)", analysis, detect, $"{analyzer!.EmbeddedFaces} ({(double)analyzer.EmbeddedFaces / Math.Max(tracks, 1):F1} a track, {tracks} tracks{toName})");

        int faces = 0;
        double naive = await TimeRunAsync(path, fps, repeats, source => { faces = 0; return Frames(source, PerFrame); });
        Line("naive (every face of every frame)", naive, detect, $"{faces} ({(double)faces / Math.Max(analyzer.EmbeddedFaces, 1):F1}x the analysis)");

        async Task PerFrame(VideoFrame frame)
        {
            foreach (var face in await pipeline.AnalyzeAsync(frame.Image))
            {
                faces++;
                if (gallery is not null)
                {
                    await gallery.SearchAsync(face.Embedding, 3, SubjectScorings.Default);
                }
            }
        }
    }

    private static Task<double> TimeAsync(string path, double? fps, int repeats, Func<VideoFrame, Task> perFrame) =>
        TimeRunAsync(path, fps, repeats, source => Frames(source, perFrame));

    private static async Task Frames(VideoSource source, Func<VideoFrame, Task> perFrame)
    {
        await foreach (var frame in source.ReadFramesAsync())
        {
            await perFrame(frame);
        }
    }

    /// <summary>The median wall time of <paramref name="repeats"/> runs, each on a source opened afresh (opening included).</summary>
    private static async Task<double> TimeRunAsync(string path, double? fps, int repeats, Func<VideoSource, Task> run)
    {
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await using var source = await VideoSource.OpenAsync(path, new VideoSourceOptions { Fps = fps });
            await run(source);
            times.Add(watch.Elapsed.TotalSeconds);
        }

        return Stats.Median(times);
    }

    /// <summary>
    /// 1, 2, ... live streams analysed side by side at 5 frames a second until one falls behind: drops frames, or lags
    /// real time by more than its queue holds. The loopback server waits for a slow reader (TCP), so a reader whose
    /// decoding cannot keep up drops nothing and lags instead, where a camera would have overrun its buffer.
    /// </summary>
    private static async Task StreamsAsync(string clip, FacePipeline pipeline, int most, int seconds, int queue)
    {
        var allowed = TimeSpan.FromSeconds(queue / LiveFps);
        for (int n = 1; n <= most; n++)
        {
            var cameras = Enumerable.Range(0, n).Select(_ => new LoopbackStream(clip, Ports.Free())).ToList();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1));   // the servers listening before the readers connect
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds) + Warmup + TimeSpan.FromSeconds(30));   // 30 s to connect and probe
                var runs = await Task.WhenAll(cameras.Select(c => AnalyseLiveAsync(c.Url, pipeline, TimeSpan.FromSeconds(seconds), queue, stop.Token)));
                long dropped = runs.Sum(r => r.Dropped);
                var behind = runs.Max(r => r.Behind);
                bool kept = dropped == 0 && behind <= allowed;
                Console.WriteLine($"  live: {n} stream(s) of {Path.GetFileName(clip)} at {LiveFps} fps for {seconds} s (queues of {queue}, {allowed.TotalSeconds:0.#} s): " +
                    $"{string.Join(", ", runs.Select(r => $"{r.PerSecond:F2}/s"))} analysed, {dropped} dropped, at most {behind.TotalSeconds:F2} s behind{(kept ? "" : ": falls behind")}");
                if (!kept)
                {
                    break;
                }
            }
            finally
            {
                cameras.ForEach(c => c.Dispose());
            }
        }
    }

    private static async Task<LiveRun> AnalyseLiveAsync(string url, FacePipeline pipeline, TimeSpan duration, int queue, CancellationToken cancellationToken)
    {
        await using var source = await VideoSource.OpenAsync(url, new VideoSourceOptions { Fps = LiveFps, QueueCapacity = queue }, cancellationToken);
        var analyzer = new VideoAnalyzer(pipeline);
        long analysed = 0;
        Stopwatch? connected = null, watch = null;
        VideoSourceStats? atStart = null;
        await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(cancellationToken), cancellationToken))
        {
            // Counted from 3 s after the first frame: ffmpeg holds back the frames of its probe (5 s of them by
            // default) and sends them at once, a burst the queue drops as stale; it is not the steady state.
            connected ??= Stopwatch.StartNew();
            if (watch is null)
            {
                if (connected.Elapsed >= Warmup)
                {
                    (watch, atStart) = (Stopwatch.StartNew(), source.Stats);
                }

                continue;
            }

            analysed++;
            if (watch.Elapsed >= duration)
            {
                break;
            }
        }

        // Frames are analysed or dropped; those neither are still on their way: the stream's time not yet seen.
        long dropped = source.Stats.Dropped - atStart!.Dropped;
        var behind = watch!.Elapsed - TimeSpan.FromSeconds((analysed + dropped) / LiveFps);
        return new LiveRun(analysed / watch.Elapsed.TotalSeconds, dropped, behind);
    }

    private sealed record LiveRun(double PerSecond, long Dropped, TimeSpan Behind);
}
