using System.ComponentModel;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>Runs the server until stopped.</summary>
public sealed class ServeCommand : Command<ServeCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--urls <URLS>")]
        [Description("Where to listen. Default: http://127.0.0.1:5080 (loopback; put a TLS reverse proxy in front to expose it).")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--hnsw")]
        [Description("PostgreSQL: search through an HNSW index (approximate) instead of exactly.")]
        public bool Hnsw { get; init; }

        [CommandOption("--detector <FILE>")]
        [Description("Detector model. Default: the fetched faceplugin detector (`arcface models fetch`).")]
        public string? Detector { get; init; }

        [CommandOption("--embedder <FILE>")]
        [Description("Embedder model. Default: the fetched faceplugin_fr_feature.")]
        public string? Embedder { get; init; }

        [CommandOption("--detector-size <PIXELS>")]
        [Description("Detector input side for models of free size (YuNet, SCRFD): images are scaled so their longest side is this. Default 640.")]
        public int DetectorSize { get; init; } = 640;

        [CommandOption("--max-upload-mb <MB>")]
        [Description("Largest request body in MiB. Default 10.")]
        public int MaxUploadMb { get; init; } = 10;

        [CommandOption("--max-pixels <N>")]
        [Description("Largest image accepted, in pixels (checked from the header, before decoding). Default 50,000,000.")]
        public long MaxPixels { get; init; } = ArcFaceKit.Imaging.DecodeOptions.DefaultMaxPixels;

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Requests per second per key (token bucket; bursts of twice that). Default 20.")]
        public int Rate { get; init; } = 20;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        options.PostgresHnsw = settings.Hnsw;
        options.Detector = settings.Detector;
        options.Embedder = settings.Embedder;
        options.DetectorInputSize = settings.DetectorSize;
        options.MaxUploadBytes = settings.MaxUploadMb * 1024L * 1024L;
        options.MaxPixels = settings.MaxPixels;
        options.RateLimitPerSecond = settings.Rate;
        options.RateLimitBurst = settings.Rate * 2;
        using var app = ServerApp.Create(["--urls", settings.Urls], options);
        app.RunAsync(cancellationToken).GetAwaiter().GetResult();
        return 0;
    }
}
