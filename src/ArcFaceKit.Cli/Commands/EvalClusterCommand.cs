using System.ComponentModel;
using ArcFaceKit.Clustering;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>`eval cluster`: our clustering against the labels, beside DBSCAN with two photo libraries' defaults, on the same embeddings.</summary>
public sealed class EvalClusterCommand : AsyncCommand<EvalClusterCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of photos, one person each: LFW-named (Person_Name_0001.jpg), or any names with --labels.")]
        public string Images { get; init; } = "";

        [CommandOption("--labels <FILE>")]
        [Description("Lines 'FILE PERSON' (a header line 'image identity' is skipped; CelebA's identities.txt). Default: persons from LFW file names.")]
        public string? Labels { get; init; }

        [CommandOption("--threshold <COSINE>")]
        [Description("Similarity for a face to join a person's centroid. Default: the embedder's (see docs/clustering.md).")]
        public float? Threshold { get; init; }

        [CommandOption("--min-faces <N>")]
        [Description("People with fewer faces are noise. Default 2.")]
        public int MinFaces { get; init; } = ClusteringOptions.DefaultMinFaces;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Images.Length == 0)
        {
            throw new UsageException("--images DIR is required.");
        }

        var photos = LfwIdentification.LabelledPhotos(settings.Images, settings.Labels);
        using var service = settings.OpenPipeline();
        var options = new ClusteringOptions { MinFaces = settings.MinFaces };
        ClusterEvaluationResult result = null!;
        if (settings.Json)
        {
            result = await ClusterEvaluation.RunAsync(service, photos, settings.Threshold, options, cancellationToken: cancellationToken);
            Output.Json(new
            {
                photos = result.Photos,
                photosWithoutFace = result.PhotosWithoutFace.Count,
                result.Threshold,
                embedder = ((IModelInfo)service.Embedder).Manifest.Name,
                rows = result.Rows.Select(r => new
                {
                    r.Method,
                    r.Settings,
                    r.Metrics.PairwisePrecision,
                    r.Metrics.PairwiseRecall,
                    r.Metrics.PairwiseF1,
                    r.Metrics.BCubedPrecision,
                    r.Metrics.BCubedRecall,
                    r.Metrics.BCubedF1,
                    r.Metrics.Clusters,
                    r.Metrics.People,
                    r.Metrics.NoiseShare,
                    r.Seconds,
                }),
                headroom = new
                {
                    result.Headroom.LoneFaces,
                    result.Headroom.LoneNearestHome,
                    boundBCubedPrecision = result.Headroom.Bound.BCubedPrecision,
                    boundBCubedRecall = result.Headroom.Bound.BCubedRecall,
                    boundBCubedF1 = result.Headroom.Bound.BCubedF1,
                },
            });
            return 0;
        }

        await AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var task = ctx.AddTask("photos", maxValue: Math.Max(photos.Count, 1));
            result = await ClusterEvaluation.RunAsync(service, photos, settings.Threshold, options, new Progress<int>(done => task.Value = done), cancellationToken: cancellationToken);
        });
        var people = result.Rows[0].Metrics;
        AnsiConsole.MarkupLine($"{result.Photos} photos, {people.People} people, {people.Faces} faces ({result.PhotosWithoutFace.Count} photos without a face left out); {Markup.Escape(((IModelInfo)service.Embedder).Manifest.Name)}");
        var table = new Table().AddColumns("method", "pair P", "pair R", "pair F1", "BCubed P", "BCubed R", "BCubed F1", "clusters", "noise", "s");
        foreach (var r in result.Rows)
        {
            var m = r.Metrics;
            table.AddRow(Markup.Escape(r.Method), P(m.PairwisePrecision), P(m.PairwiseRecall), P(m.PairwiseF1), P(m.BCubedPrecision), P(m.BCubedRecall), $"[bold]{P(m.BCubedF1)}[/]", $"{m.Clusters}", P(m.NoiseShare), $"{r.Seconds:F1}");
        }

        AnsiConsole.Write(table);
        foreach (var r in result.Rows)
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(r.Method)}: {Markup.Escape(r.Settings)}");
        }

        var headroom = result.Headroom;
        AnsiConsole.MarkupLine(
            $"Headroom of ours (from the labels): {headroom.LoneFaces} faces left alone, {headroom.LoneNearestHome} of them nearest their own person's group; " +
            $"had exactly those joined it and every person's groups been merged, BCubed F1 {P(headroom.Bound.BCubedF1)} (P {P(headroom.Bound.BCubedPrecision)}, R {P(headroom.Bound.BCubedRecall)}).");

        return 0;
    }

    private static string P(double x) => $"{x * 100:F2}";
}
