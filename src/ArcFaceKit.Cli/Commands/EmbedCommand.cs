using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Imaging;
using ArcFaceKit.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>Embeds every face of a folder of images into JSON lines (and optionally an .npy matrix with a names file).</summary>
public sealed class EmbedCommand : AsyncCommand<EmbedCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<FOLDER>")]
        [Description("Folder of images (searched recursively).")]
        public string Folder { get; init; } = "";

        [CommandOption("-o|--out <FILE>")]
        [Description("JSON lines output, one record per face. Required.")]
        public string Out { get; init; } = "";

        [CommandOption("--npy <PREFIX>")]
        [Description("Also write PREFIX.npy (float32, faces x dim) and PREFIX.names.txt (file<TAB>face per row).")]
        public string? Npy { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Images per pipeline batch. Default 16.")]
        public int Batch { get; init; } = 16;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.Out))
        {
            throw new UsageException("--out FILE is required.");
        }

        var files = FolderFaces.Files(settings.Folder);
        using var service = settings.OpenPipeline();
        var rows = new List<(string File, int Face, float[] Embedding)>();
        var skipped = new List<string>();
        await AtomicFile.WriteAsync(settings.Out, async stream =>
        {
            using var writer = new StreamWriter(stream);
            skipped = await FolderFaces.AnalyzeAsync(service, settings.Folder, files, settings.Batch, settings.Json, (file, faces) =>
            {
                for (int k = 0; k < faces.Count; k++)
                {
                    writer.WriteLine(JsonSerializer.Serialize(new { file, face = k, model = service.Embedder.Identity.Key, detection = FaceJson.From(faces[k].Face), embedding = faces[k].Embedding }, JsonShapes.Options));
                    rows.Add((file, k, faces[k].Embedding));
                }
            }, cancellationToken);
        });
        if (settings.Npy is not null)
        {
            NpyWriter.Write(settings.Npy + ".npy", rows.Select(r => r.Embedding).ToList(), service.Embedder.Identity.Dimension);
            AtomicFile.WriteAllLines(settings.Npy + ".names.txt", rows.Select(r => $"{r.File}\t{r.Face}"));
        }

        var summary = new { images = files.Count, faces = rows.Count, skipped, output = settings.Out, model = service.Embedder.Identity.ToString() };
        if (settings.Json)
        {
            Output.Json(summary);
        }
        else
        {
            AnsiConsole.MarkupLine($"{files.Count} images, {rows.Count} faces -> {Markup.Escape(settings.Out)}");
            foreach (var s in skipped)
            {
                AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(s)}");
            }
        }

        return 0;
    }
}
