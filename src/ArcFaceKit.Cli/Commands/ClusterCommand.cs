using System.ComponentModel;
using System.Globalization;
using ArcFaceKit.Clustering;
using ArcFaceKit.Contracts;
using ArcFaceKit.Models;
using ArcFaceKit.IO;
using ArcFaceKit.Quality;
using ArcFaceKit.Reports;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>`cluster FOLDER`: the people of a photo collection, as JSON and contact sheets.</summary>
public sealed class ClusterCommand : AsyncCommand<ClusterCommand.Settings>
{
    private const int SheetFaces = 64;

    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<FOLDER>")]
        [Description("Folder of photos (searched recursively).")]
        public string Folder { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        [Description("Where people.json, person-NNN.png, noise.png and overview.png go. Default: clusters.")]
        public string Out { get; init; } = "clusters";

        [CommandOption("--threshold <COSINE>")]
        [Description("Similarity for a face to join a person's centroid. Default: the embedder's (see docs/clustering.md).")]
        public float? Threshold { get; init; }

        [CommandOption("--min-faces <N>")]
        [Description("People with fewer faces are listed as noise. Default 2.")]
        public int MinFaces { get; init; } = ClusteringOptions.DefaultMinFaces;

        [CommandOption("--min-quality <SCORE>")]
        [Description("Leave out faces whose image quality (0..1) is under this; they are listed apart. Default 0: none.")]
        public float MinQuality { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Images per pipeline batch. Default 16.")]
        public int Batch { get; init; } = 16;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = FolderFaces.Files(settings.Folder);
        using var service = settings.OpenPipeline();
        var faces = new List<(ClusteredFaceJson Json, FaceRecord Record, FaceQuality Quality)>();
        var skipped = await FolderFaces.AnalyzeAsync(service, settings.Folder, files, settings.Batch, settings.Json, (file, found) =>
        {
            for (int k = 0; k < found.Count; k++)
            {
                var quality = FaceQualityRules.Assess(found[k]);
                faces.Add((new ClusteredFaceJson(file, k, FaceJson.From(found[k].Face).Box, quality.ImageScore), found[k], quality));
            }
        }, cancellationToken);

        var kept = faces.Where(f => f.Quality.ImageScore >= settings.MinQuality).ToList();
        float threshold = ClusteringDefaults.ThresholdFor(((IModelInfo)service.Embedder).Manifest, settings.Threshold);
        var result = FaceClusterer.Cluster([.. kept.Select(f => f.Record.Embedding)], [.. kept.Select(f => f.Quality.Score)], threshold, new ClusteringOptions { MinFaces = settings.MinFaces });

        Directory.CreateDirectory(settings.Out);
        var people = result.People.Select((p, i) =>
        {
            string sheet = $"person-{i + 1:000}.png";
            var members = p.Faces.Select(f => kept[f]).ToList();
            ContactSheet.WritePng([.. members.Take(SheetFaces).Select(m => (m.Record.Crop, m.Json.File))], $"person {i + 1}: {members.Count} faces", Path.Combine(settings.Out, sheet));
            return new PersonJson(i + 1, kept[p.Representative].Json, [.. members.Select(m => m.Json)], sheet);
        }).ToList();
        ContactSheet.WritePng([.. result.People.Select((p, i) => (kept[p.Representative].Record.Crop, $"{i + 1}: {p.Faces.Count}"))], $"{people.Count} people, {result.Noise.Count} faces in no person", Path.Combine(settings.Out, "overview.png"), 10);
        var noise = result.Noise.Select(f => kept[f]).ToList();
        if (noise.Count > 0)
        {
            ContactSheet.WritePng([.. noise.Take(SheetFaces * 4).Select(m => (m.Record.Crop, m.Json.File))], $"{noise.Count} faces in no person", Path.Combine(settings.Out, "noise.png"));
        }

        var response = new ClusterResponse(service.Embedder.Identity.ToString(), threshold, settings.MinFaces, files.Count, faces.Count, people,
            [.. noise.Select(m => m.Json)], [.. faces.Where(f => f.Quality.ImageScore < settings.MinQuality).Select(f => f.Json)], skipped);
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "people.json"), System.Text.Json.JsonSerializer.Serialize(response, JsonShapes.Indented));
        if (settings.Json)
        {
            Output.Json(response);
            return 0;
        }

        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{files.Count} images, {faces.Count} faces: [bold]{people.Count} people[/], {noise.Count} faces in no person, {response.PoorQuality.Count} left out for quality (threshold {threshold:0.###}) -> {Markup.Escape(settings.Out)}"));
        foreach (var s in skipped)
        {
            AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s)}");
        }

        return 0;
    }
}
