using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>`eval identify`: rank-1 / rank-5 identification on LFW-named photos, with growing numbers of distractors.</summary>
public sealed class EvalIdentifyCommand : Command<EvalIdentifyCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of LFW-named photos (Person_Name_0001.jpg).")]
        public string Images { get; init; } = "";

        [CommandOption("--distractors <LIST>")]
        [Description("Distractor counts to report, comma-separated (capped at the people with one photo). Default: 0,100,1000,100000.")]
        public string Distractors { get; init; } = "0,100,1000,100000";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Images.Length == 0)
        {
            throw new UsageException("--images DIR is required.");
        }

        int[] counts = [.. settings.Distractors.Split(',').Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))];
        var photos = Directory.EnumerateFiles(settings.Images, "*.jpg").ToList();
        using var pipeline = settings.OpenPipeline(FaceSelection.MostCentral);
        IReadOnlyList<IdentificationReport> reports = [];
        if (settings.Json)
        {
            reports = LfwIdentification.Run(pipeline, photos, counts);
            Output.Json(reports);
            return 0;
        }

        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("photos", maxValue: photos.Count);
            reports = LfwIdentification.Run(pipeline, photos, counts, new Progress<int>(done => task.Value = done));
        });
        var first = reports[0];
        AnsiConsole.MarkupLine($"{first.GalleryIdentities} gallery identities (one photo each), {first.Probes} probes; {first.ProbesWithoutFace} probes without a face (misses), {first.IdentitiesWithoutGalleryFace} people left out (no face in their gallery photo)");
        foreach (var r in reports.DistinctBy(r => r.Distractors))
        {
            AnsiConsole.MarkupLine($"distractors {r.Distractors,6}: rank-1 [bold]{r.Rank1 * 100:F2}%[/], rank-5 {r.Rank5 * 100:F2}%");
        }

        return 0;
    }
}
