using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Clustering;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.IO;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Video;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class VideoCommand : AsyncCommand<VideoCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description("A video file (mp4, mkv, avi, webm, GIF, ...), a folder of them (then the people of all are grouped), an rtsp:// or http(s):// stream, or a V4L2 camera (/dev/videoN).")]
        public string Source { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Write events.jsonl, tracks.txt (MOTChallenge), faces/track-N.png and people/NAME.png here.")]
        public string? Out { get; init; }

        [CommandOption("--fps <N>")]
        [Description("Frames analysed a second. Default: every frame of the source.")]
        public double? Fps { get; init; }

        [CommandOption("--annotate <FILE>")]
        [Description("Also write an MP4 of the analysed frames with each track's box, id and name (a folder of them for a folder of videos).")]
        public string? Annotate { get; init; }

        [CommandOption("--collect")]
        [Description("Keep each unknown person's best face in the gallery's groups of unnamed faces, to be named later (the server's /v1/groups and page).")]
        public bool Collect { get; init; }

        [CommandOption("--detect-every <N>")]
        [Description("Run the detector on every Nth analysed frame; the tracker predicts between. Default 1.")]
        public int DetectEvery { get; init; } = 1;

        [CommandOption("--name-min-face <PIXELS>")]
        [Description("Faces smaller than this are tracked but never name an enrolled subject. Default: the library's, 34 (docs/accuracy.md: Face size).")]
        public float? NameMinFace { get; init; }
    }

    private static readonly string[] VideoExtensions = [".mp4", ".mkv", ".avi", ".webm", ".mov", ".gif", ".ts", ".m4v"];

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipeline = settings.OpenPipeline();
        await using var gallery = File.Exists(settings.Gallery) ? await SqliteGallery.OpenAsync(settings.Gallery, pipeline.Embedder.Identity) : null;
        if (settings.Collect && gallery is null)
        {
            throw new UsageException($"--collect keeps unknown faces in a gallery, and there is none at {settings.Gallery}.");
        }

        var options = VideoAnalysisOptions.Default with
        {
            Threshold = settings.ThresholdFor(pipeline),
            Scoring = settings.ScoringRule,
            DetectEvery = settings.DetectEvery,
            MinFaceSize = settings.NameMinFace ?? VideoAnalysisOptions.Default.MinFaceSize,
            CollectUnknownAs = settings.Collect ? DecisionSettings.Actor : null,
        };
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine(gallery is null
                ? $"[grey]No gallery at {Markup.Escape(settings.Gallery)}: people are counted as visitors, nobody is named.[/]"
                : $"[grey]Gallery {Markup.Escape(settings.Gallery)}; threshold cosine {options.Threshold!.Cosine:F4}.[/]");
        }

        if (!Directory.Exists(settings.Source))
        {
            await AnalyzeAsync(settings.Source, settings.Out, settings.Annotate, pipeline, gallery, options, settings, cancellationToken);
            return 0;
        }

        // A folder: each video analysed on its own, then the people of all of them grouped.
        var videos = Directory.EnumerateFiles(settings.Source).Where(f => VideoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        if (videos.Count == 0)
        {
            throw new UsageException($"{settings.Source} holds no video ({string.Join(", ", VideoExtensions)}).");
        }

        var people = new VideoPeople(ClusteringDefaults.ThresholdFor(((IModelInfo)pipeline.Embedder).Manifest));
        foreach (var video in videos)
        {
            string name = Path.GetFileNameWithoutExtension(video);
            var ended = await AnalyzeAsync(video, settings.Out is null ? null : Path.Combine(settings.Out, name), settings.Annotate is null ? null : Path.Combine(settings.Annotate, name + ".mp4"), pipeline, gallery, options, settings, cancellationToken);
            people.Add(video, ended);
        }

        var found = people.Group();
        if (settings.Out is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(settings.Out, "people.json"), JsonSerializer.Serialize(found, JsonShapes.Indented));
        }

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(found, JsonShapes.Options));
        }
        else
        {
            AnsiConsole.MarkupLine($"{found.Count} people in {videos.Count} videos:");
            foreach (var person in found)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(person.Person)}: {Markup.Escape(string.Join(", ", person.Appearances.Select(a => $"{Path.GetFileName(a.Source)} #{a.Track}").Distinct()))}");
            }
        }

        return 0;
    }

    /// <summary>One video through the analyzer into its outputs; returns its tracks' end events.</summary>
    private static async Task<IReadOnlyList<VideoEvent>> AnalyzeAsync(
        string location, string? outFolder, string? annotate, FacePipeline pipeline, IFaceGallery? gallery, VideoAnalysisOptions options, Settings settings, CancellationToken cancellationToken)
    {
        await using var source = await VideoSource.OpenAsync(location, new VideoSourceOptions { Fps = settings.Fps }, cancellationToken);
        source.StatusChanged += (_, status) => Console.Error.WriteLine($"{source.Location}: {status.Message}");
        var analyzer = new VideoAnalyzer(pipeline, gallery, options);
        await using var outputs = new VideoOutputs(outFolder, location, annotate, settings.Fps ?? source.Info?.FrameRate ?? 25, source.IsLive ? null : source.Info?.FrameRate);
        var run = new VideoRun(source, analyzer, outputs, settings.Json);
        VideoSummaryJson summary;
        try
        {
            summary = await run.RunAsync(cancellationToken);
        }
        finally
        {
            // A damaged file or a cancelled run keeps what was seen up to there.
            await outputs.FinishAsync();
        }

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(summary, JsonShapes.Options));
        }
        else
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(location)}: {summary.Frames} frames ({summary.Seconds:F1} s of video) at {summary.RealTimeFactor:F1}x real time; {summary.Tracks} tracks, {summary.EmbeddedFaces} faces embedded");
            AnsiConsole.MarkupLine($"people: {summary.Subjects.Count + summary.Visitors.Count} ({Markup.Escape(string.Join(", ", summary.Subjects.Concat(summary.Visitors)))})");
        }

        return run.EndedTracks;
    }
}
