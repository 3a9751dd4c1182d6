using ArcFaceKit.Training.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

if (Jemalloc.RunPreloaded(args) is { } exitCode)
{
    return exitCode;
}

System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("arcface-train");
    config.SetExceptionHandler((e, _) =>
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    });
    config.AddCommand<PrepareCommand>("prepare").WithDescription("Detect and align labelled photos into identity/crop.png folders.");
    config.AddCommand<CurvesCommand>("curves").WithDescription("Plot each head's target logit against the angle theta (PNG + Markdown table).");
    config.AddCommand<EightCommand>("eight").WithDescription("The 8-identity experiment: 2-D features with Softmax and ArcFace, plotted, angular separation measured.");
    config.AddCommand<BenchCommand>("bench").WithDescription("Time MobileFaceNet + ArcFace training steps: images/s and peak memory.");
    config.AddCommand<CompareCommand>("compare").WithDescription("Train the same backbone with each loss and seed, evaluate each on LFW, write a Markdown table.");
    config.AddCommand<TrainCommand>("train").WithDescription("Train a backbone with a margin head; checkpoints, resume, periodic LFW check, ONNX export.");
});
return app.Run(args);
