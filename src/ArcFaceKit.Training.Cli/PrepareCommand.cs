using System.ComponentModel;
using ArcFaceKit.Detection;
using ArcFaceKit.Training.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Training.Cli;

public sealed class PrepareCommand : Command<PrepareCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Photos: one folder per identity, or the folder the --list file names.")]
        public string Images { get; init; } = "";

        [CommandOption("--list <FILE>")]
        [Description("Optional 'image identity' list (CelebA identities.txt).")]
        public string? List { get; init; }

        [CommandOption("--detector <FILE>")]
        [Description("Detector model (manifest beside it or known by SHA-256).")]
        public string Detector { get; init; } = "";

        [CommandOption("--score <MIN>")]
        [Description("Minimum detection score. Default: the detector's own (see docs/accuracy.md).")]
        public float? Score { get; init; }

        [CommandOption("--size <PIXELS>")]
        [Description("Crop side. Default 112.")]
        public int Size { get; init; } = 112;

        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "prepared";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sources = settings.List is null ? SourceList.FromFolders(settings.Images) : SourceList.FromList(settings.List, settings.Images);
        using var detector = FaceDetectors.Open(settings.Detector, DetectorOptions.Default with { ScoreThreshold = settings.Score });
        PrepareReport report = null!;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("aligning", maxValue: Math.Max(1, sources.Count));
            report = DatasetPreparer.Prepare(sources, detector, settings.Out, settings.Size, new Progress<int>(n => task.Value = n));
        });
        AnsiConsole.MarkupLine($"{report.Written} crops of {sources.Count} photos ({sources.Select(s => s.Identity).Distinct().Count()} identities) in {Markup.Escape(settings.Out)}");
        AnsiConsole.MarkupLine($"no face found in {report.NoFace.Count}: {Markup.Escape(string.Join(", ", report.NoFace.Select(Path.GetFileName)))}");
        if (report.Unreadable.Count > 0)
        {
            AnsiConsole.MarkupLine($"unreadable: {Markup.Escape(string.Join(", ", report.Unreadable))}");
        }

        return 0;
    }
}
