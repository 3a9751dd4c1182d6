using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Imaging;
using ArcFaceKit.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>Embeds every face of a folder of images into JSON lines (and optionally an .npy matrix with a names file).</summary>
public sealed class EmbedCommand : Command<EmbedCommand.Settings>
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

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

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.Out))
        {
            throw new UsageException("--out FILE is required.");
        }

        var files = Directory.EnumerateFiles(settings.Folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        using var service = settings.OpenService();
        var rows = new List<(string File, int Face, float[] Embedding)>();
        var skipped = new List<string>();
        AtomicFile.Write(settings.Out, stream =>
        {
            using var writer = new StreamWriter(stream);
            void Work(Action<int> advance)
            {
                for (int start = 0; start < files.Count; start += settings.Batch)
                {
                    var chunk = files.Skip(start).Take(settings.Batch).ToList();
                    var images = new List<RgbImage>();
                    var names = new List<string>();
                    foreach (var f in chunk)
                    {
                        try
                        {
                            images.Add(service.DecodeFile(f));
                            names.Add(f);
                        }
                        catch (ImageDecodeException e)
                        {
                            skipped.Add(e.Message);
                        }
                    }

                    var results = service.AnalyzeBatchAsync(images, cancel: cancellationToken).GetAwaiter().GetResult();
                    for (int i = 0; i < names.Count; i++)
                    {
                        string rel = Path.GetRelativePath(settings.Folder, names[i]);
                        for (int k = 0; k < results[i].Count; k++)
                        {
                            var r = results[i][k];
                            writer.WriteLine(JsonSerializer.Serialize(new { file = rel, face = k, model = service.Embedder.Identity.Key, detection = FaceJson.From(r.Face), embedding = r.Embedding }, JsonShapes.Options));
                            rows.Add((rel, k, r.Embedding));
                        }
                    }

                    advance(chunk.Count);
                }
            }

            if (settings.Json)
            {
                Work(_ => { });
            }
            else
            {
                AnsiConsole.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("embedding", maxValue: Math.Max(files.Count, 1));
                    Work(n => task.Increment(n));
                });
            }
        });
        if (settings.Npy is not null)
        {
            NpyWriter.Write(settings.Npy + ".npy", rows.Select(r => r.Embedding).ToList(), service.Embedder.Dimension);
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
