using System.ComponentModel;
using ArcFaceKit.Training.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Training.Cli;

public sealed class CurvesCommand : Command<CurvesCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "experiments";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TargetLogitCurves.Write(settings.Out);
        AnsiConsole.MarkupLine($"wrote target-logit-curves.png and .md in {Markup.Escape(settings.Out)}");
        return 0;
    }
}
