using System.ComponentModel;
using ArcFaceKit.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class IdentifyCommand : Command<IdentifyCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<IMAGE>")]
        public string Image { get; init; } = "";

        [CommandOption("-k|--top <K>")]
        [Description("Candidates per face. Default 3.")]
        public int Top { get; init; } = 3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipeline = settings.OpenPipeline();
        var threshold = settings.ThresholdFor(pipeline.Embedder);
        if (!File.Exists(settings.Gallery))
        {
            throw new UsageException($"Gallery {settings.Gallery} does not exist; enroll someone first.");
        }

        using var gallery = FaceGallery.Open(settings.Gallery, pipeline.Embedder.Identity);
        var faces = pipeline.Analyze(settings.Decode(settings.Image));
        var answers = faces.Select((f, i) =>
        {
            var candidates = gallery.Identify(f.Embedding, settings.Top, threshold);
            return new
            {
                face = i,
                detection = Output.Face(f.Face, i),
                identity = candidates.Count > 0 && candidates[0].Accepted ? candidates[0].Name : null,
                candidates = candidates.Select(c => new { name = c.Name, similarity = c.Similarity, accepted = c.Accepted }),
            };
        }).ToList();
        if (settings.Json)
        {
            Output.Json(new { image = settings.Image, threshold = new { cosine = threshold.Cosine, source = threshold.Source }, faces = answers });
            return 0;
        }

        AnsiConsole.MarkupLine($"{faces.Count} face(s); threshold cosine {threshold.Cosine:F4} [grey]({Markup.Escape(threshold.Source)})[/]");
        foreach (var a in answers)
        {
            string who = a.identity is null ? "[yellow]unknown[/]" : $"[green]{Markup.Escape(a.identity)}[/]";
            AnsiConsole.MarkupLine($"face {a.face}: {who}   " + string.Join(", ", a.candidates.Select(c => $"{Markup.Escape(c.name)} {c.similarity:F3}")));
        }

        return 0;
    }
}
