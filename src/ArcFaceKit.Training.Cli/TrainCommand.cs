using System.ComponentModel;
using System.Globalization;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Experiments;
using ArcFaceKit.Training.Export;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace ArcFaceKit.Training.Cli;

public sealed class TrainCommand : AsyncCommand<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Prepared crops (identity/crop.png), from 'prepare'.")]
        public string Data { get; init; } = "";

        [CommandOption("--backbone <NAME>")]
        [Description("mobilefacenet (default), iresnet18, iresnet34, iresnet50.")]
        public string Backbone { get; init; } = "mobilefacenet";

        [CommandOption("--input-size <PIXELS>")]
        [Description("Input side, a multiple of 16: 112 (default) or e.g. 64 for the small variant.")]
        public int InputSize { get; init; } = 112;

        [CommandOption("--embedding <N>")]
        public int Embedding { get; init; } = 128;

        [CommandOption("--loss <HEAD>")]
        [Description("softmax, norm-softmax, center, sphereface, cosface, arcface (default), combined.")]
        public string Loss { get; init; } = "arcface";

        [CommandOption("--scale <S>")]
        [Description("Feature scale of the normalised heads: a number, or 'auto' for AdaCos's sqrt(2) ln(classes - 1). Default 64.")]
        public string Scale { get; init; } = "64";

        [CommandOption("--margin <M>")]
        [Description("Margin of cosface (default 0.35), arcface (0.5), sphereface (integer, 4).")]
        public double? Margin { get; init; }

        [CommandOption("--epochs <N>")]
        public int Epochs { get; init; } = 10;

        [CommandOption("--batch <N>")]
        public int Batch { get; init; } = 64;

        [CommandOption("--lr <RATE>")]
        public double LearningRate { get; init; } = 0.1;

        [CommandOption("--warmup <STEPS>")]
        public int Warmup { get; init; } = 100;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("cpu (default) or cuda where TorchSharp's CUDA packages are installed.")]
        public string Device { get; init; } = "cpu";

        [CommandOption("--checkpoint <FILE>")]
        [Description("Checkpoint file, written every --checkpoint-every steps and at the end.")]
        public string Checkpoint { get; init; } = "train.ckpt";

        [CommandOption("--checkpoint-every <STEPS>")]
        public int CheckpointEvery { get; init; } = 200;

        [CommandOption("--resume")]
        [Description("Continue from --checkpoint.")]
        public bool Resume { get; init; }

        [CommandOption("--export <DIR>")]
        [Description("Write the trained backbone as ONNX with its manifest here at the end.")]
        public string Export { get; init; } = "trained";

        [CommandOption("--name <NAME>")]
        public string Name { get; init; } = "trained";

        [CommandOption("--lfw-images <DIR>")]
        [Description("LFW images for the periodic verification check (with --lfw-pairs and --detector).")]
        public string? LfwImages { get; init; }

        [CommandOption("--lfw-pairs <FILE>")]
        public string? LfwPairs { get; init; }

        [CommandOption("--lfw-folds <N>")]
        [Description("Folds of pairs.txt used by the periodic check (all 10 at the end). Default 2.")]
        public int LfwFolds { get; init; } = 2;

        [CommandOption("--detector <FILE>")]
        public string? Detector { get; init; }

        [CommandOption("--eval-every <STEPS>")]
        public int EvalEvery { get; init; } = 500;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        torch.manual_seed(settings.Seed);
        var (train, held) = FaceDataset.Load(settings.Data, settings.InputSize, seed: settings.Seed);
        int classes = train.Identities.Count;
        AnsiConsole.MarkupLine($"{train.Count} training crops ({held.Count} held out) of {classes} identities; {settings.Backbone} {settings.InputSize}px, {settings.Loss}");
        return settings.Backbone == "mobilefacenet"
            ? await RunAsync(new MobileFaceNet(settings.Embedding, settings.InputSize), settings, train, classes, cancellationToken)
            : await RunAsync(new IResNet(int.Parse(settings.Backbone["iresnet".Length..], CultureInfo.InvariantCulture), settings.Embedding, settings.InputSize), settings, train, classes, cancellationToken);
    }

    private static async Task<int> RunAsync<TBackbone>(TBackbone backbone, Settings s, FaceDataset train, int classes, CancellationToken cancellationToken)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone
    {
        var trainer = new Trainer<TBackbone>(backbone, HeadFactory.Create(s.Loss, s.Embedding, classes, FeatureScale.Parse(s.Scale, classes), s.Margin), new TrainerOptions
        {
            Epochs = s.Epochs, BatchSize = s.Batch, LearningRate = s.LearningRate, WarmupSteps = s.Warmup, Seed = s.Seed, Device = s.Device,
        });
        if (s.Resume)
        {
            trainer.LoadCheckpoint(s.Checkpoint);
            AnsiConsole.MarkupLine($"resumed at step {trainer.Step}");
        }

        var pairs = s.LfwPairs is null ? null : LfwPairs.Load(s.LfwPairs);
        long total = (long)train.BatchesPerEpoch(s.Batch) * s.Epochs;
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).StartAsync(async ctx =>
        {
            var task = ctx.AddTask("training", maxValue: total);
            task.Value = trainer.Step;

            // Training stops at each evaluation step, so the (asynchronous) evaluation runs between runs of the trainer.
            bool Evaluates(long step) => pairs is not null && (step + 1) % s.EvalEvery == 0;
            while (trainer.Step < total)
            {
                trainer.Run(train, r =>
                {
                    task.Value = r.Step + 1;
                    task.Description = $"epoch {r.Epoch} loss {r.Loss:F3} acc {r.Accuracy:P0} lr {r.LearningRate:G3} {r.ImagesPerSecond:F0} img/s";
                    if ((r.Step + 1) % s.CheckpointEvery == 0)
                    {
                        trainer.SaveCheckpoint(s.Checkpoint);
                    }
                }, Evaluates);
                if (pairs is not null && Evaluates(trainer.Step))
                {
                    var report = await VerifyAsync(backbone, s, [.. pairs.Where(p => p.Fold < s.LfwFolds)], cancellationToken);
                    AnsiConsole.MarkupLine($"step {trainer.Step + 1}: LFW ({s.LfwFolds} folds) {report.MeanAccuracy:P2}");
                }
            }
        });
        trainer.SaveCheckpoint(s.Checkpoint);
        string path = BackboneExporter.Export(backbone, s.Export, s.Name, $"{s.Loss} on {s.Data}, {s.Epochs} epochs, seed {s.Seed}");
        AnsiConsole.MarkupLine($"exported {Markup.Escape(path)} with its manifest");
        if (pairs is not null)
        {
            var final = await VerifyAsync(backbone, s, pairs, cancellationToken);
            AnsiConsole.MarkupLine($"LFW 10-fold: {final.MeanAccuracy:P2} ± {final.StdAccuracy:P2}; TAR at FAR 1e-3 {final.TarAtFar:P2}");
        }

        return 0;
    }

    private static Task<VerificationReport> VerifyAsync<TBackbone>(TBackbone backbone, Settings s, IReadOnlyList<LfwPair> pairs, CancellationToken cancellationToken)
        where TBackbone : torch.nn.Module<torch.Tensor, torch.Tensor>, IBackbone =>
        s.LfwImages is null || s.Detector is null
            ? throw new ArgumentException("--lfw-pairs needs --lfw-images and --detector too.")
            : LfwCheck.EvaluateAsync(backbone, s.Detector, s.LfwImages, pairs, cancellationToken);
}
