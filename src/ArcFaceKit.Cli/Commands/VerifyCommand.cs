using System.ComponentModel;
using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class VerifyCommand : AsyncCommand<VerifyCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<IMAGE_A>")]
        public string A { get; init; } = "";

        [CommandArgument(1, "<IMAGE_B>")]
        public string B { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var service = settings.OpenPipeline();
        var threshold = settings.ThresholdFor(service);
        var (result, a, b) = await service.VerifyAsync(service.DecodeFile(settings.A), service.DecodeFile(settings.B), FaceSelection.Largest, threshold, cancellationToken);
        if (settings.Json)
        {
            Output.Json(new VerifyResponse(result.Similarity, result.IsSamePerson, ThresholdJson.From(threshold), FaceJson.From(a.Face), FaceJson.From(b.Face), null, null, null, service.Embedder.Identity.ToString()));
        }
        else
        {
            string verdict = result.IsSamePerson ? "[green]same person[/]" : "[red]different people[/]";
            AnsiConsole.MarkupLine($"cosine similarity {result.Similarity:F4} vs threshold {threshold.Cosine:F4}: {verdict}");
            AnsiConsole.MarkupLine($"[grey]threshold: {Markup.Escape(threshold.Source)}; model {Markup.Escape(service.Embedder.Identity.ToString())}[/]");
        }

        return 0;
    }
}
