using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>`eval video`: a tracker's output against ground truth, both MOTChallenge text files; with names, identification per track.</summary>
public sealed class EvalVideoCommand : Command<EvalVideoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--truth <FILE>")]
        [Description("Ground truth, MOTChallenge text (frame, id, x, y, w, h, consider, class, visibility).")]
        public string Truth { get; init; } = "";

        [CommandOption("--tracks <FILE>")]
        [Description("The tracks to measure, MOTChallenge text (arcface video --out writes tracks.txt).")]
        public string Tracks { get; init; } = "";

        [CommandOption("--frames <FILE>")]
        [Description("The frames analysed, one number a line (arcface video --out writes frames.txt): tracking is measured on those only. Default: frames.txt beside --tracks when it is there, else every frame.")]
        public string? Frames { get; init; }

        [CommandOption("--truth-names <FILE>")]
        [Description("Lines 'ID SUBJECT' naming the ground-truth people enrolled in the gallery ('-' for one who is not): measures identification per track.")]
        public string? TruthNames { get; init; }

        [CommandOption("--events <FILE>")]
        [Description("The events.jsonl of the same run: the name each track ended with. Needed with --truth-names.")]
        public string? Events { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    /// <summary>The JSON answer: the measures, with the derived rates spelled out.</summary>
    private sealed record Report(MotMetrics Metrics, double Mota, double Idf1, TrackIdentification? Identification, double? CorrectRate);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Truth.Length == 0 || settings.Tracks.Length == 0 || (settings.TruthNames is null) != (settings.Events is null))
        {
            throw new UsageException("--truth FILE and --tracks FILE are required; --truth-names and --events go together.");
        }

        var truth = MotChallengeText.Read(settings.Truth);
        var tracks = MotChallengeText.Read(settings.Tracks);
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Tracks))!, AnalysedFrames.FileName);
        var frames = settings.Frames is { } given ? AnalysedFrames.Read(given) : File.Exists(beside) ? AnalysedFrames.Read(beside) : null;
        var metrics = frames is null ? MotMetrics.Measure(truth, tracks) : MotMetrics.Measure(AnalysedFrames.Only(truth, frames), AnalysedFrames.Only(tracks, frames));
        var identification = settings.TruthNames is null ? null : TrackIdentification.Measure(truth, tracks, ReadNames(settings.TruthNames), ReadTrackNames(settings.Events!));
        if (settings.Json)
        {
            Output.Json(new Report(metrics, metrics.Mota, metrics.Idf1, identification, identification?.CorrectRate));
            return 0;
        }

        AnsiConsole.MarkupLine($"MOTA {metrics.Mota:P2}  IDF1 {metrics.Idf1:P2}  HOTA {metrics.Hota:P2}  MOTP {metrics.Motp:F3}");
        AnsiConsole.MarkupLine($"{metrics.TruthBoxes} truth boxes over {metrics.Frames} frames: {metrics.Misses} missed, {metrics.FalsePositives} false, {metrics.IdSwitches} identity switches");
        if (identification is { } id)
        {
            AnsiConsole.MarkupLine($"tracks of enrolled people: {id.EnrolledTracks}, named correctly {id.Correct} ({id.CorrectRate:P1}), as another subject {id.WrongSubject}, left unknown {id.LeftUnknown}");
            AnsiConsole.MarkupLine($"tracks of people not enrolled: {id.UnknownTracks}, named {id.UnknownNamed}; tracks following nobody: {id.Unmatched}");
        }

        return 0;
    }

    internal static Dictionary<int, string?> ReadNames(string path) =>
        File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(f => int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f => f.Length < 2 || f[1] == "-" ? null : f[1]);

    /// <summary>Each track's subject at its end (its track-ended event); visitors and unnamed tracks have none.</summary>
    private static Dictionary<int, string?> ReadTrackNames(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<VideoEventJson>(l, JsonShapes.Options)!)
            .Where(e => e.Event == "track-ended").ToDictionary(e => e.Track, e => e.Visitor ? null : e.Person);
}
