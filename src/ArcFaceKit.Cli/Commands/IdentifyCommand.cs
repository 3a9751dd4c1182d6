using System.ComponentModel;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class IdentifyCommand : AsyncCommand<IdentifyCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<IMAGE>")]
        public string Image { get; init; } = "";

        [CommandOption("-k|--top <K>")]
        [Description("Candidates per face. Default 3.")]
        public int Top { get; init; } = 3;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var service = settings.OpenPipeline();
        var threshold = settings.ThresholdFor(service);
        await using var gallery = await settings.OpenExistingGalleryAsync(service);
        var image = service.DecodeFile(settings.Image);
        var options = new IdentifyOptions { K = settings.Top, Threshold = threshold, Scoring = settings.ScoringRule };
        var faces = await new GalleryService(service).IdentifyAsync(gallery, image, options, cancellationToken);
        var response = new RecognizeResponse(image.Width, image.Height, ThresholdJson.From(threshold), options.Scoring.Name(), [.. faces.Select(f => RecognizedFaceJson.From(f))]);
        if (settings.Json)
        {
            Output.Json(response);
            return 0;
        }

        AnsiConsole.MarkupLine($"{faces.Count} face(s); threshold cosine {threshold.Cosine:F4} [grey]({Markup.Escape(threshold.Source)}); scoring {response.Scoring}[/]");
        for (int i = 0; i < response.Faces.Count; i++)
        {
            var face = response.Faces[i];
            string who = face.Identity is null ? "[yellow]unknown[/]" : $"[green]{Markup.Escape(face.Identity)}[/]";
            AnsiConsole.MarkupLine($"face {i}: {who}   " + string.Join(", ", face.Matches.Select(m => $"{Markup.Escape(m.Subject)} {m.Similarity:F3}")));
        }

        return 0;
    }
}
