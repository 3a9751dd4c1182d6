using System.ComponentModel;
using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class DetectCommand : Command<DetectCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<IMAGE>")]
        [Description("Image file (JPEG, PNG, BMP, WebP, GIF).")]
        public string Image { get; init; } = "";

        [CommandOption("--annotate <PNG>")]
        [Description("Also write the image with boxes, landmarks and scores drawn.")]
        public string? Annotate { get; init; }

        [CommandOption("--select <MODE>")]
        [Description("all (default), largest or central.")]
        public string Select { get; init; } = "all";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var selection = settings.Select switch
        {
            "all" => FaceSelection.All,
            "largest" => FaceSelection.Largest,
            "central" => FaceSelection.MostCentral,
            _ => throw new UsageException($"--select must be all, largest or central, not '{settings.Select}'."),
        };
        var image = settings.Decode(settings.Image);
        using var detector = settings.OpenDetector();
        var faces = FaceSelector.Apply(detector.Detect(image, cancellationToken), selection, image.Width, image.Height);
        if (settings.Annotate is not null)
        {
            FaceAnnotator.WritePng(image, faces, settings.Annotate);
        }

        if (settings.Json)
        {
            Output.Json(new DetectResponse(image.Width, image.Height, [.. faces.Select(f => FaceJson.From(f))]));
            return 0;
        }

        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Image)}: {image.Width}x{image.Height}, {faces.Count} face(s) by {Markup.Escape(detector.Manifest.Name)}");
        var table = new Table().AddColumns("#", "score", "box (x, y, w, h)", "landmarks");
        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            table.AddRow($"{i}", $"{f.Score:F3}", $"{f.Box.X:F1}, {f.Box.Y:F1}, {f.Box.Width:F1}, {f.Box.Height:F1}", string.Join(" ", f.Landmarks.Select(p => $"({p.X:F1},{p.Y:F1})")));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
