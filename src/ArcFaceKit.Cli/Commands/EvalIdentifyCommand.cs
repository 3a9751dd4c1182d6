using System.ComponentModel;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Gallery;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>`eval identify`: rank-1 / rank-5 identification on labelled photos, with growing numbers of distractors.</summary>
public sealed class EvalIdentifyCommand : AsyncCommand<EvalIdentifyCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of photos: LFW-named (Person_Name_0001.jpg), or any names with --labels.")]
        public string Images { get; init; } = "";

        [CommandOption("--labels <FILE>")]
        [Description("Lines 'FILE PERSON' (a header line 'image identity' is skipped; CelebA's identities.txt). Default: persons from LFW file names.")]
        public string? Labels { get; init; }

        [CommandOption("--distractors <LIST>")]
        [Description("Distractor counts to report, comma-separated (capped at the people with one photo). Default: 0,100,1000,100000.")]
        public string Distractors { get; init; } = "0,100,1000,100000";

        [CommandOption("--gallery-photos <N>")]
        [Description("Photos enrolled per gallery identity (people with more than N photos are in the gallery). Default 1.")]
        public int GalleryPhotos { get; init; } = 1;

        [CommandOption("--reject <PERCENTS>")]
        [Description("Also report rank-1 with the lowest-quality N% of the gallery people's photos rejected (quality score; distractors kept), comma-separated, e.g. 1,5.")]
        public string? Reject { get; init; }

        [CommandOption("--scoring <RULES>")]
        [Description("1:N scoring rules to report, comma-separated: best-face, mean-template, both. Default: the library's.")]
        public string? Scoring { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Images.Length == 0)
        {
            throw new UsageException("--images DIR is required.");
        }

        int[] counts = [.. settings.Distractors.Split(',').Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))];
        SubjectScoring[] scorings = settings.Scoring is null ? [SubjectScorings.Default] : [.. settings.Scoring.Split(',').Select(SubjectScorings.Parse)];
        var photos = LfwIdentification.LabelledPhotos(settings.Images, settings.Labels);
        var used = LfwIdentification.PhotosUsed(photos, counts, settings.GalleryPhotos);
        using var service = settings.OpenPipeline();
        var rated = new Dictionary<string, RatedEmbedding?>();
        if (settings.Json)
        {
            rated = await ImageEmbeddings.ComputeRatedAsync(service, used, cancellationToken: cancellationToken);
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("photos", maxValue: used.Count);
                rated = await ImageEmbeddings.ComputeRatedAsync(service, used, new Progress<int>(done => task.Value = done), cancellationToken: cancellationToken);
            });
        }

        var embeddings = rated.ToDictionary(kv => kv.Key, kv => kv.Value?.Embedding);
        var reports = scorings.Select(s => (Scoring: s, Reports: LfwIdentification.Run(embeddings, photos, counts, settings.GalleryPhotos, s))).ToList();
        var quality = rated.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.Quality.Score);
        double[] fractions = settings.Reject is null ? [] : [.. settings.Reject.Split(',').Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) / 100)];
        var rejections = fractions.Select(f => (Fraction: f, Reports: LfwIdentification.Run(embeddings, LfwIdentification.RejectLowest(photos, quality, f, counts, settings.GalleryPhotos), counts, settings.GalleryPhotos, scorings[0]))).ToList();
        if (settings.Json)
        {
            object Row(SubjectScoring scoring, IdentificationReport x, double rejected) => new
            {
                scoring = scoring.Name(),
                galleryPhotos = settings.GalleryPhotos,
                x.Probes,
                x.GalleryIdentities,
                x.Distractors,
                x.Rank1,
                x.Rank5,
                x.ProbesWithoutFace,
                x.IdentitiesWithoutGalleryFace,
                rejected,
            };

            Output.Json(reports.SelectMany(r => r.Reports.Select(x => Row(r.Scoring, x, 0))).Concat(rejections.SelectMany(r => r.Reports.Select(x => Row(scorings[0], x, r.Fraction)))));
            return 0;
        }

        var first = reports[0].Reports[0];
        AnsiConsole.MarkupLine($"{first.GalleryIdentities} gallery identities ({settings.GalleryPhotos} photo(s) each), {first.Probes} probes; {first.ProbesWithoutFace} probes without a face (misses), {first.IdentitiesWithoutGalleryFace} people left out (no face in their gallery photos)");
        foreach (var (scoring, list) in reports)
        {
            foreach (var r in list.DistinctBy(r => r.Distractors))
            {
                AnsiConsole.MarkupLine($"{scoring.Name(),-13} distractors {r.Distractors,6}: rank-1 [bold]{r.Rank1 * 100:F2}%[/], rank-5 {r.Rank5 * 100:F2}%");
            }
        }

        foreach (var (fraction, list) in rejections)
        {
            foreach (var r in list.DistinctBy(r => r.Distractors))
            {
                AnsiConsole.MarkupLine($"{scorings[0].Name(),-13} distractors {r.Distractors,6}, lowest {fraction * 100:0.#}% by quality rejected ({r.Probes} probes left): rank-1 [bold]{r.Rank1 * 100:F2}%[/], rank-5 {r.Rank5 * 100:F2}%");
            }
        }

        return 0;
    }
}
