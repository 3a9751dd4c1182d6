using System.ComponentModel;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>Runs the server until stopped. Flags map onto <see cref="ServerOptions"/>; unset flags keep the library's defaults.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--urls <URLS>")]
        [Description("Where to listen. Default: http://127.0.0.1:5080 (loopback; put a TLS reverse proxy in front to expose it).")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--detector <FILE>")]
        [Description("Detector model. Default: YuNet, shipped with the server (no fetch needed).")]
        public string? Detector { get; init; }

        [CommandOption("--embedder <FILE>")]
        [Description("Embedder model; give it twice or more to fuse embedders (their own model, with its own thresholds). Default: the fusion of the two fetched embedders (faceplugin_fr_feature + dlib_resnet).")]
        public string[] Embedders { get; init; } = [];

        [CommandOption("--detector-size <PIXELS>")]
        [Description("Detector input side for models of free size (YuNet, SCRFD). Default: the library's (see docs/accuracy.md).")]
        public int? DetectorSize { get; init; }

        [CommandOption("--score <MIN>")]
        [Description("Minimum detection score 0..1. Default: the detector's own.")]
        public float? Score { get; init; }

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

        [CommandOption("--max-faces <N>")]
        [Description("Most faces of one photo considered (the largest). Default 50 (see docs/server.md).")]
        public int MaxFaces { get; init; }

        [CommandOption("--max-pixels <N>")]
        [Description("Largest image accepted, in pixels (checked from the header, before decoding). Default 50,000,000.")]
        public long MaxPixels { get; init; } = ArcFaceKit.Imaging.DecodeOptions.DefaultMaxPixels;

        [CommandOption("--max-decoded-mp <MEGAPIXELS>")]
        [Description("Decoded pixels all requests may hold at once, in megapixels (3 bytes each); uploads wait for room. At least twice --max-pixels. Default 100 (see docs/server.md).")]
        public int MaxDecodedMp { get; init; } = (int)(ArcFaceKit.Imaging.UploadOptions.DefaultMaxDecodedPixels / 1_000_000);

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Requests per second per key (token bucket; bursts of twice that). Default 20.")]
        public int Rate { get; init; } = 20;

        [CommandOption("--max-concurrency <N>")]
        [Description("Analyses running at once (the cores are shared out among them). Default: one per core.")]
        public int MaxConcurrency { get; init; }

        [CommandOption("--max-queue <N>")]
        [Description("Requests that may wait for an analysis; beyond that 503 with Retry-After. Default 64.")]
        public int MaxQueue { get; init; } = 64;

        [CommandOption("--batch-wait-ms <MS>")]
        [Description("Micro-batching: faces of concurrent requests wait up to this long to be embedded together. Default 0 (off); see docs/speed.md.")]
        public double BatchWaitMs { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        var options = settings.ToOptions();
        options.Detector = settings.Detector;
        options.Embedder = settings.Embedders.FirstOrDefault();
        options.FuseWith = [.. settings.Embedders.Skip(1)];
        options.DetectorInputSize = settings.DetectorSize ?? 0;
        options.DetectorScore = settings.Score;
        options.Scoring = settings.Scoring ?? options.Scoring;
        options.MaxUploadBytes = settings.MaxUploadMb * 1024L * 1024L;
        options.MaxPixels = settings.MaxPixels;
        options.MaxDecodedPixels = settings.MaxDecodedMp * 1_000_000L;
        options.MaxPhotosPerRequest = settings.MaxPhotos;
        options.MaxFacesPerPhoto = settings.MaxFaces;
        options.MinEnrollQuality = settings.MinEnrollQuality;
        options.CollectUnknown = settings.CollectUnknown;
        options.RateLimitPerSecond = settings.Rate;
        options.RateLimitBurst = settings.Rate * 2;
        options.MaxConcurrentAnalyses = settings.MaxConcurrency;
        options.MaxQueuedAnalyses = settings.MaxQueue;
        options.EmbeddingBatchWaitMs = settings.BatchWaitMs;
        await using var app = ServerApp.Create(["--urls", settings.Urls], options);
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
