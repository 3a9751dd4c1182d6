using System.ComponentModel;
using ArcFaceKit.Models;
using ArcFaceKit.Models.Quantization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

/// <summary>Static int8 quantization of a detector or an embedder, calibrated on a folder of photos.</summary>
public sealed class ModelsQuantizeCommand : Command<ModelsQuantizeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("The float model (.onnx with a manifest beside it or known by SHA-256, or a .manifest.json).")]
        public string Model { get; init; } = "";

        [CommandOption("--calibration <DIR>")]
        [Description("Folder of photos (searched recursively); for an embedder, the faces found in them. Required.")]
        public string Calibration { get; init; } = "";

        [CommandOption("-o|--out <FILE>")]
        [Description("The quantized .onnx; its manifest is written beside it. Required.")]
        public string Out { get; init; } = "";

        [CommandOption("--detector <FILE>")]
        [Description("For an embedder: the detector that finds the calibration faces. Default: the shipped YuNet.")]
        public string? Detector { get; init; }

        [CommandOption("--max-images <N>")]
        [Description("At most this many photos, spread over the folder. Default 300.")]
        public int MaxImages { get; init; } = 300;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.Calibration) || string.IsNullOrEmpty(settings.Out))
        {
            throw new UsageException("--calibration DIR and --out FILE are required.");
        }

        var photos = FolderFaces.Files(settings.Calibration);
        var options = new QuantizationOptions { Detector = settings.Detector ?? ModelStore.DefaultDetector(), MaxImages = settings.MaxImages };
        ModelManifest manifest = null!;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("calibrating", maxValue: Math.Min(photos.Count, settings.MaxImages));
            manifest = ModelQuantizer.Quantize(settings.Model, photos, settings.Out, options, new Progress<int>(done => task.Value = done));
        });
        var q = manifest.Quantization!;
        AnsiConsole.MarkupLine(Markup.Escape($"{manifest.Name}: int8 from {q.Parent}, calibrated on {q.CalibrationSet} ({string.Join(", ", q.CalibrationInputs.Select(p => $"{p.Key}: {p.Value} inputs"))})."));
        AnsiConsole.MarkupLine(Markup.Escape(manifest.Kind == "embedder"
            ? $"Its thresholds are its own to measure: arcface eval lfw --embedder {settings.Out} --write-manifest {ModelResolver.ManifestPathFor(settings.Out)}"
            : "Detection with it: --detector " + settings.Out));
        return 0;
    }
}
