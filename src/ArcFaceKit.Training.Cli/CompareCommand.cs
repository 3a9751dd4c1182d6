using System.ComponentModel;
using ArcFaceKit.Training.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Training.Cli;

public sealed class CompareCommand : AsyncCommand<CompareCommand.Settings>
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

        [CommandOption("--settings <LIST>")]
        [Description("Comma-separated LOSS[[-sSCALE]][[-mMARGIN]], e.g. softmax,arcface-sauto-m0.4 (scale: a number or auto). Default: the sweep (docs/training.md).")]
        public string? HeadSettings { get; init; }

        [CommandOption("--seeds <LIST>")]
        [Description("Default 0,1,2.")]
        public string Seeds { get; init; } = "0,1,2";

        [CommandOption("--table-only")]
        [Description("Train nothing: write the table from the result files already there.")]
        public bool TableOnly { get; init; }

        [CommandOption("--retrain-unranked")]
        [Description("Train again the runs whose result file predates the rank-1 column (the file is replaced).")]
        public bool RetrainUnranked { get; init; }

        [CommandOption("--epochs <N>")]
        public int Epochs { get; init; } = 20;

        [CommandOption("--input-size <PIXELS>")]
        public int InputSize { get; init; } = 64;

        [CommandOption("--lfw-folds <N>")]
        public int LfwFolds { get; init; } = 10;

        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "experiments";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new LossComparison.Options
        {
            Data = settings.Data,
            Detector = settings.Detector,
            LfwImages = settings.LfwImages,
            LfwPairs = settings.LfwPairs,
            Settings = settings.HeadSettings is null ? ComparisonSetting.Sweep : [.. settings.HeadSettings.Split(',').Select(ComparisonSetting.Parse)],
            Seeds = Lists.Ints(settings.Seeds),
            Epochs = settings.Epochs,
            InputSize = settings.InputSize,
            LfwFolds = settings.LfwFolds,
            RetrainUnranked = settings.RetrainUnranked,
        };
        var runs = settings.TableOnly
            ? LossComparison.Load(options, settings.Out)
            : await LossComparison.RunAsync(options, settings.Out, line => AnsiConsole.MarkupLine(Markup.Escape(line)), cancellationToken);
        Console.WriteLine(LossComparison.Table(runs, options));
        return 0;
    }
}
