using System.ComponentModel;
using System.Globalization;
using ArcFaceKit.Training.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Training.Cli;

public sealed class CompareCommand : Command<CompareCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        public string Data { get; init; } = "";

        [CommandOption("--detector <FILE>")]
        public string Detector { get; init; } = "";

        [CommandOption("--lfw-images <DIR>")]
        public string LfwImages { get; init; } = "";

        [CommandOption("--lfw-pairs <FILE>")]
        public string LfwPairs { get; init; } = "";

        [CommandOption("--losses <LIST>")]
        [Description("Comma-separated. Default softmax,center,sphereface,cosface,arcface.")]
        public string Losses { get; init; } = "softmax,center,sphereface,cosface,arcface";

        [CommandOption("--seeds <LIST>")]
        public string Seeds { get; init; } = "0,1";

        [CommandOption("--epochs <N>")]
        public int Epochs { get; init; } = 20;

        [CommandOption("--input-size <PIXELS>")]
        public int InputSize { get; init; } = 64;

        [CommandOption("--lfw-folds <N>")]
        public int LfwFolds { get; init; } = 10;

        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "experiments";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new LossComparison.Options
        {
            Data = settings.Data,
            Detector = settings.Detector,
            LfwImages = settings.LfwImages,
            LfwPairs = settings.LfwPairs,
            Losses = settings.Losses.Split(','),
            Seeds = [.. settings.Seeds.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
            Epochs = settings.Epochs,
            InputSize = settings.InputSize,
            LfwFolds = settings.LfwFolds,
        };
        var runs = LossComparison.Run(options, settings.Out, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
        Console.WriteLine(LossComparison.Table(runs, options));
        return 0;
    }
}
