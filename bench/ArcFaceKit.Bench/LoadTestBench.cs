using System.Globalization;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Server;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using ArcFaceKit.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArcFaceKit.Bench;

/// <summary>
/// `loadtest`: starts the server in this process on 127.0.0.1 with a fresh SQLite gallery (the default models unless
/// --detector/--embedder) and a rate limit high enough not to interfere, then runs the load test at each client count.
/// With --cameras N it then adds N cameras (a clip served live on 127.0.0.1 by ffmpeg each, analysed at 5 fps) and runs
/// the same load again beside them: the requests' p99 with and without cameras, and each camera's frames analysed and
/// dropped meanwhile (issue 32's check: no camera drops frames beyond its queue).
/// </summary>
internal static class LoadTestBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int[] clients = [.. (options.Value("--clients") ?? "1,8,32").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
        int seconds = options.Int("--seconds", 30);
        double[] waits = [.. (options.Value("--batch-wait-ms") ?? "0").Split(',').Select(w => double.Parse(w, CultureInfo.InvariantCulture))];
        foreach (double wait in waits)
        {
            await RunServerAsync(options, clients, seconds, wait);
        }
    }

    private static async Task RunServerAsync(BenchOptions options, int[] clients, int seconds, double batchWaitMs)
    {
        string folder = Directory.CreateTempSubdirectory("arcface-loadtest-").FullName;
        try
        {
            int queue = options.Int("--queue", PipelineOptions.Default.MaxQueuedAnalyses);
            var settings = new ServerOptions
            {
                SqlitePath = Path.Combine(folder, "load.db"),
                Models = new FaceModels { Detector = options.Value("--detector") ?? ModelStore.DefaultDetector(), Embedder = options.Value("--embedder") ?? ModelStore.DefaultEmbedder() },
                Pipeline = new PipelineOptions
                {
                    MaxConcurrentAnalyses = options.Int("--concurrency", 0),
                    MaxQueuedAnalyses = queue,
                    EmbeddingBatchWait = TimeSpan.FromMilliseconds(batchWaitMs),
                },
                Upload = new UploadOptions { MaxQueued = queue },
                RateLimitPerSecond = 100_000,
                RateLimitBurst = 100_000,
            };
            await using var app = ServerApp.Create(["--urls", "http://127.0.0.1:0"], settings, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync();
            var (_, token) = await ApiKeys.CreateAsync(app.Services.GetRequiredService<IApiKeyStore>(), "loadtest", ApiScopes.Read | ApiScopes.Write, "bench");
            var url = new Uri(app.Urls.First());
            var service = app.Services.GetRequiredService<FacePipeline>();
            Console.WriteLine($"loadtest: server {url}, {app.Services.GetRequiredService<IFaceGallery>().Kind}, {Environment.ProcessorCount} cores, " +
                $"{service.Options.Concurrency} concurrent analyses x {service.Options.ThreadsPerAnalysis} threads, queue {service.Options.MaxQueuedAnalyses}, micro-batching {(batchWaitMs > 0 ? $"wait {batchWaitMs} ms" : "off")}; {service.Embedder.Identity.Name}");

            // Spread the photos over many people: every 7th file of the sorted list.
            var files = Directory.EnumerateFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal).Where((_, i) => i % 7 == 0);
            var photos = await LoadTester.UsablePhotosAsync(url, token, files, options.Int("--photos", 200), CancellationToken.None);
            Console.WriteLine($"photos: {photos.Count} with a face; {seconds} s a run, 20% enroll, 80% recognize (k=3)");
            foreach (int n in clients)
            {
                var report = await LoadTester.RunAsync(url, token, photos, n, TimeSpan.FromSeconds(seconds), 0.2, seed: 1, CancellationToken.None);
                Console.WriteLine($"  {report}");
            }

            if (options.Int("--cameras", 0) is > 0 and int cameras)
            {
                await BesideCamerasAsync(app.Services.GetRequiredService<CameraManager>(), Path.Combine(options.Videos, options.Value("--camera-clip") ?? "webcam-b.mp4"), cameras,
                    n => LoadTester.RunAsync(url, token, photos, n, TimeSpan.FromSeconds(seconds), 0.2, seed: 1, CancellationToken.None), clients);
            }

            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task BesideCamerasAsync(CameraManager manager, string clip, int count, Func<int, Task<LoadTestReport>> load, int[] clients)
    {
        var streams = Enumerable.Range(0, count).Select(_ => new LoopbackStream(clip, Ports.Free())).ToList();
        try
        {
            for (int i = 0; i < streams.Count; i++)
            {
                await manager.AddAsync(new CameraRequest($"cam{i + 1}", streams[i].Url, Fps: 5), "bench", CancellationToken.None);
            }

            // Connected, and past the burst of frames ffmpeg sends after probing (dropped as stale by design).
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await manager.ListAsync(CancellationToken.None)).Any(c => c.Status.Analysed < 25) && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }

            Console.WriteLine($"beside {count} cameras ({Path.GetFileName(clip)} served live, 5 fps each):");
            foreach (int n in clients)
            {
                var before = await manager.ListAsync(CancellationToken.None);
                var report = await load(n);
                var after = await manager.ListAsync(CancellationToken.None);
                var cameras = after.Zip(before, (a, b) => $"{a.Name} {(a.Status.Analysed - b.Status.Analysed) / report.Seconds:F1}/s analysed, {a.Status.Dropped - b.Status.Dropped} dropped ({a.Status.State})");
                Console.WriteLine($"  {report}");
                Console.WriteLine($"    cameras meanwhile: {string.Join("; ", cameras)}");
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }
}
