using System.ComponentModel;
using ArcFaceKit.Server.Benchmarks;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>
/// `loadtest`: against --url with --key, or (by default) a server it starts itself on 127.0.0.1 with a fresh
/// temporary SQLite store, the default models and a rate limit high enough not to interfere.
/// </summary>
public sealed class LoadTestCommand : Command<LoadTestCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("A running server (loopback only). Default: start one on 127.0.0.1 for the run.")]
        public string? Url { get; init; }

        [CommandOption("--key <TOKEN>")]
        [Description("API key with read and write scopes for --url.")]
        public string? Key { get; init; }

        [CommandOption("--images <DIR>")]
        [Description("Photos named like LFW's (Person_Name_0001.jpg). Default: ../shared/datasets/lfw-view2/images.")]
        public string Images { get; init; } = "../shared/datasets/lfw-view2/images";

        [CommandOption("--clients <N>")]
        [Description("Concurrent clients (1..256). Default 8.")]
        public int Clients { get; init; } = 8;

        [CommandOption("--seconds <S>")]
        [Description("How long to run (at most 600). Default 30.")]
        public int Seconds { get; init; } = 30;

        [CommandOption("--enroll-share <P>")]
        [Description("Share of requests that enroll (the rest recognize). Default 0.2.")]
        public double EnrollShare { get; init; } = 0.2;

        [CommandOption("--photos <N>")]
        [Description("How many distinct photos to cycle through. Default 200.")]
        public int Photos { get; init; } = 200;

        [CommandOption("--detector <FILE>")]
        public string? Detector { get; init; }

        [CommandOption("--embedder <FILE>")]
        public string? Embedder { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(Settings settings, CancellationToken cancel)
    {
        var files = Directory.EnumerateFiles(settings.Images, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (settings.Url is not null)
        {
            string key = settings.Key ?? throw new ArgumentException("--url needs --key (an API key with read and write scopes).");
            return await Measure(new Uri(settings.Url), key, files, settings, cancel);
        }

        string folder = Directory.CreateTempSubdirectory("arcface-loadtest-").FullName;
        try
        {
            var options = new ServerOptions
            {
                SqlitePath = Path.Combine(folder, "load.db"),
                Detector = settings.Detector,
                Embedder = settings.Embedder,
                RateLimitPerSecond = 100_000,
                RateLimitBurst = 100_000,
            };
            await using var app = ServerApp.Create(["--urls", "http://127.0.0.1:0"], options, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
            var (_, token) = ApiKeys.Create(app.Services.GetRequiredService<IKeyStore>(), "loadtest", ApiScopes.Read | ApiScopes.Write);
            await app.StartAsync(cancel);
            var url = new Uri(app.Urls.First());
            Console.WriteLine($"server: {url} ({app.Services.GetRequiredService<IFaceStore>().Kind}, {Environment.ProcessorCount} cores)");
            int code = await Measure(url, token, files, settings, cancel);
            await app.StopAsync(cancel);
            return code;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> Measure(Uri url, string key, List<string> files, Settings settings, CancellationToken cancel)
    {
        // Spread the photos over many people: every 7th file of the sorted list.
        var photos = await LoadTester.UsablePhotosAsync(url, key, files.Where((_, i) => i % 7 == 0), settings.Photos, cancel);
        Console.WriteLine($"photos: {photos.Count} with a face; {settings.Clients} clients for {settings.Seconds} s, {settings.EnrollShare:P0} enroll");
        var report = await LoadTester.RunAsync(url, key, photos, settings.Clients, TimeSpan.FromSeconds(settings.Seconds), settings.EnrollShare, seed: 1, cancel);
        Console.WriteLine(report);
        return report.Errors == 0 ? 0 : 1;
    }
}
