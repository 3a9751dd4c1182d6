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
        [Description("Result files (OUT/eight/LOSS-dD-seedN.json, with a plot each) and the table OUT/eight-identities.md.")]
        public string Out { get; init; } = "experiments";

        [CommandOption("--epochs <N>")]
        [Description("Epochs a run (default 200: by then every 3-D run here fitted its training set, 2-D Softmax reached 93-98%; see docs/training.md).")]
        public int Epochs { get; init; } = 200;

        [CommandOption("--margin <M>")]
        [Description("ArcFace margin in radians (default 0.3: 8 classes leave 45 degrees each on a circle).")]
        public double Margin { get; init; } = 0.3;

        [CommandOption("--scale <S>")]
        [Description("ArcFace scale: auto (the AdaCos rule: 2.75 for 8 classes, default) or a number.")]
        public string Scale { get; init; } = "auto";

        [CommandOption("--seeds <LIST>")]
        public string Seeds { get; init; } = "0,1,2";

        [CommandOption("--dims <LIST>")]
        [Description("Feature dimensions: 2 (the circle), 3 (the sphere); default both.")]
        public string Dimensions { get; init; } = "2,3";

        [CommandOption("--no-augment")]
        [Description("Train on the crops as they are (flips only).")]
        public bool NoAugment { get; init; }

        [CommandOption("--table-only")]
        [Description("Only print the table made from the result files (a folder holding eight/*.json), training nothing.")]
        public bool TableOnly { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.TableOnly)
        {
            Console.WriteLine(EightIdentities.Table(EightIdentities.Load(settings.Out)));
            return 0;
        }

        var options = new EightIdentities.Options
        {
            Data = settings.Data, Epochs = settings.Epochs, Margin = settings.Margin, Scale = settings.Scale, Seeds = Lists.Ints(settings.Seeds),
            Dimensions = Lists.Ints(settings.Dimensions), Augment = !settings.NoAugment,
        };
        EightIdentities.Run(options, settings.Out, line => AnsiConsole.WriteLine(line));
        AnsiConsole.MarkupLine($"plots and table in {Markup.Escape(settings.Out)}");
        return 0;
    }
}
