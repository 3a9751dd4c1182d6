using System.ComponentModel;
using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class AlignCommand : Command<AlignCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<IMAGES>")]
        [Description("Image files.")]
        public string[] Images { get; init; } = [];

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the crops (NAME_faceN.png). Default: current folder.")]
        public string Out { get; init; } = ".";

        [CommandOption("--size <PIXELS>")]
        [Description("Crop side: 112 (default), a multiple of 112 or 128 (InsightFace rule), or any other size (the 112 template scaled).")]
        public int Size { get; init; } = ArcFaceTemplate.BaseSize;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.Out);
        using var detector = settings.OpenDetector();
        var aligner = new FaceAligner(settings.Size);
        var written = new List<object>();
        foreach (var path in settings.Images)
        {
            var image = settings.Decode(path);
            var faces = detector.Detect(image);
            for (int i = 0; i < faces.Count; i++)
            {
                string file = Path.Combine(settings.Out, $"{Path.GetFileNameWithoutExtension(path)}_face{i}.png");
                ImageEncoder.WritePng(aligner.Align(image, faces[i].Landmarks), file);
                written.Add(new { image = path, face = i, crop = file, matrix = aligner.TransformFor(faces[i].Landmarks).ToArray() });
                if (!settings.Json)
                {
                    AnsiConsole.MarkupLine($"{Markup.Escape(path)} face {i} -> {Markup.Escape(file)}");
                }
            }

            if (faces.Count == 0 && !settings.Json)
            {
                AnsiConsole.MarkupLine($"{Markup.Escape(path)}: no face found");
            }
        }

        if (settings.Json)
        {
            Output.Json(written);
        }

        return 0;
    }
}
