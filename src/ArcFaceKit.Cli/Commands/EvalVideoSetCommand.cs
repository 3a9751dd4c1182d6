using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using ArcFaceKit.Video;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>
/// `eval video-set`: a set of generated clips (arcface-clips' manifest.json) end to end. The people meant to be enrolled
/// are enrolled from their photos not in the clips, with distractors (LFW people in no clip, one photo each); every clip
/// is analysed as `arcface video` does; tracks are measured against the ground truth (MOTA, IDF1 over the set) and each
/// track's name against its person (issue 31's check).
/// </summary>
public sealed class EvalVideoSetCommand : AsyncCommand<EvalVideoSetCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandOption("--set <DIR>")]
        [Description("A folder written by arcface-clips (manifest.json, NAME.mp4, NAME.gt.txt, NAME.names.txt).")]
        public string Set { get; init; } = "";

        [CommandOption("--shared <DIR>")]
        [Description("The data folder the manifest's photo paths are relative to. Default ../shared from the current folder.")]
        public string Shared { get; init; } = Path.Combine("..", "shared");

        [CommandOption("--distractors <N>")]
        [Description("LFW people in no clip enrolled as well, one photo each. Default 1000.")]
        public int Distractors { get; init; } = 1000;

        [CommandOption("--fps <N>")]
        [Description("Frames analysed a second. Default: every frame.")]
        public double? Fps { get; init; }

        [CommandOption("--margin <COSINE>")]
        [Description("How far a track's best subject must lead the second to be named. Default: the library's (0.05).")]
        public float? Margin { get; init; }

        [CommandOption("--agreeing-faces <N>")]
        [Description("How many of a track's faces must have the subject as their own best match. Default: the library's (2).")]
        public int? AgreeingFaces { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Keep each clip's outputs in DIR/NAME, as `arcface video --out` writes them (events.jsonl, tracks.txt, best faces), to see which tracks went wrong.")]
        public string? Out { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(settings.Set, "manifest.json"))).RootElement;
        var clips = manifest.GetProperty("clips").EnumerateArray().ToList();
        using var pipeline = settings.OpenPipeline();
        var scratch = Directory.CreateTempSubdirectory("arcface-eval-video-");
        try
        {
            return await EvaluateAsync(settings, clips, pipeline, Path.Combine(scratch.FullName, "g.db"), cancellationToken);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<int> EvaluateAsync(Settings settings, List<JsonElement> clips, FacePipeline pipeline, string galleryFile, CancellationToken cancellationToken)
    {
        await using var gallery = await SqliteGallery.OpenAsync(galleryFile, pipeline.Embedder.Identity);
        var service = new GalleryService(pipeline);
        var inClips = new HashSet<string>(StringComparer.Ordinal);
        foreach (var person in clips.SelectMany(c => c.GetProperty("people").EnumerateArray()))
        {
            string identity = person.GetProperty("identity").GetString()!;
            inClips.Add(identity);
            if (person.GetProperty("enrolled").GetBoolean())
            {
                var photos = person.GetProperty("enrol").EnumerateArray().Select(p => new PhotoToEnroll(pipeline.DecodeFile(Path.Combine(settings.Shared, p.GetString()!)), p.GetString())).ToList();
                await service.EnrollAsync(gallery, identity, photos, FaceSelection.Largest, DecisionSettings.Actor, cancellationToken);
            }
        }

        int distractors = await EnrollDistractorsAsync(service, gallery, settings, inClips, cancellationToken);
        var options = VideoAnalysisOptions.Default with
        {
            Threshold = settings.ThresholdFor(pipeline),
            Scoring = settings.ScoringRule,
            Margin = settings.Margin ?? VideoAnalysisOptions.Default.Margin,
            MinAgreeingFaces = settings.AgreeingFaces ?? VideoAnalysisOptions.Default.MinAgreeingFaces,
        };
        var totals = new List<MotMetrics>();
        var named = new List<TrackIdentification>();
        var delays = new List<IdentificationDelays>();
        foreach (var clip in clips)
        {
            string name = clip.GetProperty("name").GetString()!;
            var truth = MotChallengeText.Read(Path.Combine(settings.Set, clip.GetProperty("groundTruth").GetString()!));
            var (tracks, frames, names, namings) = await AnalyzeAsync(Path.Combine(settings.Set, clip.GetProperty("video").GetString()!), pipeline, gallery, options, settings, settings.Out is null ? null : Path.Combine(settings.Out, name), cancellationToken);
            var metrics = MotMetrics.Measure(AnalysedFrames.Only(truth, frames), AnalysedFrames.Only(tracks, frames));
            var subjects = EvalVideoCommand.ReadNames(Path.Combine(settings.Set, clip.GetProperty("names").GetString()!));
            var identification = TrackIdentification.Measure(truth, tracks, subjects, names);
            totals.Add(metrics);
            named.Add(identification);
            delays.Add(IdentificationDelays.Measure(truth, tracks, subjects, namings, clip.GetProperty("fps").GetDouble(), options.MinFaceSize));
            if (!settings.Json)
            {
                AnsiConsole.MarkupLine($"{name}: MOTA {metrics.Mota:P1} IDF1 {metrics.Idf1:P1}; enrolled tracks {identification.Correct}/{identification.EnrolledTracks} named right, {identification.WrongSubject} wrong; unknown tracks named {identification.UnknownNamed}/{identification.UnknownTracks}");
            }
        }

        var delay = IdentificationDelays.Sum(delays);
        var report = new VideoSetReport(clips.Count, distractors, MotMetrics.Sum(totals), TrackIdentification.Sum(named), delay.Median, delay.Seconds.Count, delay.NeverNamed);
        if (settings.Json)
        {
            Output.Json(report);
            return 0;
        }

        var all = report.Tracking;
        var id = report.Identification;
        AnsiConsole.MarkupLine($"{report.Clips} clips, {distractors} distractors enrolled: MOTA {all.Mota:P2}, IDF1 {all.Idf1:P2} ({all.TruthBoxes} boxes, {all.IdSwitches} identity switches)");
        AnsiConsole.MarkupLine($"tracks of enrolled people named right {id.Correct}/{id.EnrolledTracks} ({id.CorrectRate:P1}), as another enrolled person {id.WrongSubject}, left unknown {id.LeftUnknown}; unknown people's tracks named {id.UnknownNamed}/{id.UnknownTracks}");
        AnsiConsole.MarkupLine($"time to identification from a face's first frame at {options.MinFaceSize} px: median {report.MedianSecondsToIdentification:F2} s over {report.PeopleNamed} enrolled people named, {report.PeopleNeverNamed} never named");
        return 0;
    }

    /// <summary>
    /// The set's figures: tracking summed over the clips, identification per track, and the time from each enrolled
    /// person's first frame at the minimum face size to their first right name (people never named counted apart).
    /// </summary>
    private sealed record VideoSetReport(
        int Clips, int Distractors, MotMetrics Tracking, TrackIdentification Identification,
        double MedianSecondsToIdentification, int PeopleNamed, int PeopleNeverNamed);

    /// <summary>LFW people in no clip, one photo each (the first, names in order), as the gallery's distractors.</summary>
    private static async Task<int> EnrollDistractorsAsync(GalleryService service, IFaceGallery gallery, Settings settings, HashSet<string> inClips, CancellationToken cancellationToken)
    {
        string images = Path.Combine(settings.Shared, "datasets", "lfw-view2", "images");
        var people = Directory.EnumerateFiles(images, "*_0001.jpg").Select(f => Path.GetFileName(f)[..^"_0001.jpg".Length])
            .Where(p => !inClips.Contains(p)).Order(StringComparer.Ordinal).Take(settings.Distractors);
        int enrolled = 0;
        foreach (var person in people)
        {
            try
            {
                var photo = new PhotoToEnroll(service.Pipeline.DecodeFile(Path.Combine(images, person + "_0001.jpg")));
                await service.EnrollAsync(gallery, person, [photo], FaceSelection.Largest, DecisionSettings.Actor, cancellationToken);
                enrolled++;
            }
            catch (FaceSelectionException)
            {
                // No face found in that photo: the next person stands in.
            }
        }

        return enrolled;
    }

    private static async Task<(IReadOnlyList<MotRow> Tracks, IReadOnlyList<int> Frames, Dictionary<int, string?> Names, List<TrackNaming> Namings)> AnalyzeAsync(
        string video, FacePipeline pipeline, IFaceGallery gallery, VideoAnalysisOptions options, Settings settings, string? folder, CancellationToken cancellationToken)
    {
        await using var source = await VideoSource.OpenAsync(video, new VideoSourceOptions { Fps = settings.Fps }, cancellationToken);
        await using var outputs = new VideoOutputs(folder, video, annotated: null, fps: 0, source.Info?.FrameRate);
        var analyzer = new VideoAnalyzer(pipeline, gallery, options);
        var names = new Dictionary<int, string?>();
        var namings = new List<TrackNaming>();
        await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(cancellationToken), cancellationToken))
        {
            await outputs.AddAsync(frame, cancellationToken);
            foreach (var e in frame.Events)
            {
                if (e.Kind == VideoEventKind.TrackEnded)
                {
                    names[e.TrackId] = e.IsVisitor ? null : e.Person;
                }
                else if (e.Kind is VideoEventKind.Identified or VideoEventKind.Revised && !e.IsVisitor)
                {
                    namings.Add(new TrackNaming(e.TrackId, e.Person!, e.LastSeen));
                }
            }
        }

        await outputs.FinishAsync();
        return ([.. outputs.Tracks], [.. outputs.Frames], names, namings);
    }
}
