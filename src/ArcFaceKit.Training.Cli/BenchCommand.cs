using System.ComponentModel;
using System.Diagnostics;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using Spectre.Console.Cli;
using TorchSharp;

namespace ArcFaceKit.Training.Cli;

/// <summary>
/// Times training steps (forward, ArcFace loss, backward, SGD) of MobileFaceNet on random data: median step time,
/// images/s and the process's peak memory. scripts/train-bench.sh runs it beside PyTorch on the same machine.
/// </summary>
public sealed class BenchCommand : Command<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--batch <N>")]
        public int Batch { get; init; } = 64;

        [CommandOption("--input-size <PIXELS>")]
        public int InputSize { get; init; } = 112;

        [CommandOption("--steps <N>")]
        public int Steps { get; init; } = 5;

        [CommandOption("--threads <N>")]
        public int Threads { get; init; } = 2;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        torch.set_num_threads(settings.Threads);
        torch.manual_seed(0);
        var net = new MobileFaceNet(128, settings.InputSize);
        var trainer = new Trainer<MobileFaceNet>(net, new ArcFaceHead(128, 1000), new TrainerOptions { LearningRate = 0.01 });
        var input = torch.randn(settings.Batch, 3, settings.InputSize, settings.InputSize);
        var labels = torch.randint(0, 1000, [settings.Batch]);
        trainer.TrainStep(input, labels, 0.01); // warm-up
        var times = new List<double>();
        for (int i = 0; i < settings.Steps; i++)
        {
            var watch = Stopwatch.StartNew();
            trainer.TrainStep(input, labels, 0.01);
            times.Add(watch.Elapsed.TotalSeconds);
        }

        times.Sort();
        double median = times[times.Count / 2];
        long parameters = net.parameters().Sum(p => p.numel());
        Console.WriteLine($"TorchSharp MobileFaceNet ({parameters:N0} parameters) + ArcFace, batch {settings.Batch}, {settings.InputSize}x{settings.InputSize}, {settings.Threads} threads: " +
            $"median step {median:F3} s, {settings.Batch / median:F1} images/s, peak memory {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
        return 0;
    }
}
