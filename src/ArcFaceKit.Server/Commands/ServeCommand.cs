using System.ComponentModel;
using ArcFaceKit.Flags;
using ArcFaceKit.Imaging;
using ArcFaceKit.Service;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>Runs the server until stopped. Flags map onto <see cref="ServerOptions"/>; unset flags keep the library's defaults.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>The store flags, the model and pipeline flags the CLI shares, and the server's own.</summary>
    public sealed class Settings : PipelineFlags
    {
        [CommandOption("--urls <URLS>")]
        [Description("Where to listen. Default: http://127.0.0.1:5080 (loopback; put a TLS reverse proxy in front to expose it).")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--scoring <RULE>")]
        [Description("1:N scoring of a subject: best-face, mean-template or both. Default: the library's (see docs/accuracy.md).")]
        public string? Scoring { get; init; }

        [CommandOption("--max-upload-mb <MB>")]
        [Description("Largest request body in MiB. Default 10.")]
        public int MaxUploadMb { get; init; } = 10;

        [CommandOption("--max-photos <N>")]
        [Description("Most photos one enrolment request may carry. Default 10.")]
        public int MaxPhotos { get; init; } = 10;

        [CommandOption("--min-enroll-quality <Q>")]
        [Description("Refuse enrolling faces whose image quality (0..1: size, sharpness, pose, detector score, landmark fit) is under Q. Default 0: none refused.")]
        public float MinEnrollQuality { get; init; }

        [CommandOption("--collect-unknown")]
        [Description("Keep every face recognize does not accept in the groups of unnamed faces (faces of one person grouped together), to be named later on the page or through /v1/groups.")]
        public bool CollectUnknown { get; init; }

        [CommandOption("--max-decoded-mp <MEGAPIXELS>")]
        [Description("Decoded pixels all requests may hold at once, in megapixels (3 bytes each); uploads wait for room. At least twice --max-pixels. Default 100 (see docs/server.md).")]
        public int MaxDecodedMp { get; init; } = (int)(UploadOptions.DefaultMaxDecodedPixels / 1_000_000);

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Requests per second per key (token bucket; bursts of twice that). Default 20.")]
        public int Rate { get; init; } = 20;

        [CommandOption("--webhook-hosts <HOSTS>")]
        [Description("Hosts webhooks may post camera events to, comma-separated: names (hooks.example.com, which must resolve to public addresses), addresses (127.0.0.1) or CIDR ranges (10.1.0.0/16). Default none: webhooks are refused.")]
        public string? WebhookHosts { get; init; }

        [CommandOption("--video-hosts <HOSTS>")]
        [Description("Hosts videos may be fetched from by URL (POST /v1/videos/from-url), comma-separated as --webhook-hosts. Default none: videos are uploaded.")]
        public string? VideoHosts { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        var options = settings.ToOptions();
        options.Models = settings.Models;
        options.Pipeline = settings.Pipeline;

        // Uploads are the server's images: --max-pixels and --max-queue bound their decoding as they bound analyses.
        options.Upload = new UploadOptions { MaxPixels = settings.MaxPixels, MaxDecodedPixels = settings.MaxDecodedMp * 1_000_000L, MaxQueued = settings.MaxQueue };
        options.Gallery = new GalleryServiceOptions { MinEnrollImageQuality = settings.MinEnrollQuality };
        options.Scoring = settings.Scoring ?? options.Scoring;
        options.MaxUploadBytes = settings.MaxUploadMb * 1024L * 1024L;
        options.MaxPhotosPerRequest = settings.MaxPhotos;
        options.CollectUnknown = settings.CollectUnknown;
        options.RateLimitPerSecond = settings.Rate;
        options.RateLimitBurst = settings.Rate * 2;
        options.Webhooks.AllowedHosts = Hosts(settings.WebhookHosts);
        options.Videos.AllowedHosts = Hosts(settings.VideoHosts);
        await using var app = ServerApp.Create(["--urls", settings.Urls], options);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>A comma-separated list of hosts, as --webhook-hosts and --video-hosts take them.</summary>
    private static string[] Hosts(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
