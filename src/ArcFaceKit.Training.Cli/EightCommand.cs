using System.ComponentModel;
using ArcFaceKit.Training.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Training.Cli;

public sealed class EightCommand : Command<EightCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Prepared crops (from 'prepare'); the 8 identities with the most images are used.")]
        public string Data { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "experiments";

        [CommandOption("--epochs <N>")]
        public int Epochs { get; init; } = 60;

        [CommandOption("--margin <M>")]
        [Description("ArcFace margin in radians (default 0.3: 8 classes leave 45 degrees each on a circle).")]
        public double Margin { get; init; } = 0.3;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (var (loss, s) in EightIdentities.Run(settings.Data, settings.Out, settings.Epochs, settings.Seed, settings.Margin))
        {
            AnsiConsole.MarkupLine($"{loss}: mean angle to centre {s.MeanIntraClass:F1}°, closest centres {s.MinBetweenCentres:F1}°, closest classes {s.MinBetweenClasses:F1}°");
        }

        AnsiConsole.MarkupLine($"plots and table in {Markup.Escape(settings.Out)}");
        return 0;
    }
}
