using System.ComponentModel;
using ArcFaceKit.Matching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class VerifyCommand : Command<VerifyCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<IMAGE_A>")]
        public string A { get; init; } = "";

        [CommandArgument(1, "<IMAGE_B>")]
        public string B { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipeline = settings.OpenPipeline();
        var threshold = settings.ThresholdFor(pipeline.Embedder);
        var a = settings.SingleFace(pipeline, settings.A, largest: true);
        var b = settings.SingleFace(pipeline, settings.B, largest: true);
        var result = Verification.Of(a.Embedding, b.Embedding, threshold);
        if (settings.Json)
        {
            Output.Json(new
            {
                a = settings.A,
                b = settings.B,
                similarity = result.Similarity,
                threshold = new { cosine = threshold.Cosine, source = threshold.Source },
                samePerson = result.IsSamePerson,
                model = pipeline.Embedder.Identity.ToString(),
            });
        }
        else
        {
            string verdict = result.IsSamePerson ? "[green]same person[/]" : "[red]different people[/]";
            AnsiConsole.MarkupLine($"cosine similarity {result.Similarity:F4} vs threshold {threshold.Cosine:F4}: {verdict}");
            AnsiConsole.MarkupLine($"[grey]threshold: {Markup.Escape(threshold.Source)}[/]");
        }

        return 0;
    }
}
