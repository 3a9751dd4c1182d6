using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Video;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class VideoCommand : AsyncCommand<VideoCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("A video file (mp4, mkv, avi, webm, GIF, ...), an rtsp:// or http(s):// stream, or a V4L2 camera (/dev/videoN).")]
        public string Source { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Write events.jsonl, tracks.txt (MOTChallenge), faces/track-N.png and people/NAME.png here.")]
        public string? Out { get; init; }

        [CommandOption("--fps <N>")]
        [Description("Frames analysed a second. Default: every frame of the source.")]
        public double? Fps { get; init; }

        [CommandOption("--detect-every <N>")]
        [Description("Run the detector on every Nth analysed frame; the tracker predicts between. Default 1.")]
        public int DetectEvery { get; init; } = 1;

        [CommandOption("--name-min-face <PIXELS>")]
        [Description("Faces smaller than this are tracked but never name an enrolled subject. Default: the library's, 34 (docs/accuracy.md: Face size).")]
        public float? NameMinFace { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipeline = settings.OpenPipeline();
        await using var gallery = File.Exists(settings.Gallery) ? await SqliteGallery.OpenAsync(settings.Gallery, pipeline.Embedder.Identity) : null;
        var options = VideoAnalysisOptions.Default with
        {
            Threshold = settings.ThresholdFor(pipeline),
            Scoring = settings.ScoringRule,
            DetectEvery = settings.DetectEvery,
            MinFaceSize = settings.NameMinFace ?? VideoAnalysisOptions.Default.MinFaceSize,
        };
        await using var source = await VideoSource.OpenAsync(settings.Source, new VideoSourceOptions { Fps = settings.Fps }, cancellationToken);
        source.StatusChanged += (_, status) => Console.Error.WriteLine($"{source.Location}: {status.Message}");
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine(gallery is null
                ? $"[grey]No gallery at {Markup.Escape(settings.Gallery)}: people are counted as visitors, nobody is named.[/]"
                : $"[grey]Gallery {Markup.Escape(settings.Gallery)}; threshold cosine {options.Threshold!.Cosine:F4}.[/]");
        }

        var analyzer = new VideoAnalyzer(pipeline, gallery, options);
        using var outputs = new VideoOutputs(settings.Out, settings.Source);
        var run = new VideoRun(source, analyzer, outputs, settings.Json);
        var summary = await run.RunAsync(cancellationToken);
        outputs.Finish();
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(summary, JsonShapes.Options));
        }
        else
        {
            AnsiConsole.MarkupLine($"{summary.Frames} frames ({summary.Seconds:F1} s of video) at {summary.RealTimeFactor:F1}x real time; {summary.Tracks} tracks, {summary.EmbeddedFaces} faces embedded");
            AnsiConsole.MarkupLine($"people: {summary.Subjects.Count + summary.Visitors.Count} ({Markup.Escape(string.Join(", ", summary.Subjects.Concat(summary.Visitors)))})");
        }

        return 0;
    }
}
