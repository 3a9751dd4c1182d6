using System.ComponentModel;
using ArcFaceKit.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class EnrollCommand : Command<EnrollCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The person's name (unique in the gallery; enrolling again adds faces).")]
        public string Name { get; init; } = "";

        [CommandArgument(1, "<IMAGES>")]
        [Description("Images with one face each.")]
        public string[] Images { get; init; } = [];

        [CommandOption("--largest")]
        [Description("Take the largest face where an image has several (otherwise such an image is an error).")]
        public bool Largest { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var pipeline = settings.OpenPipeline();

        // Every image is checked before anything is written: one bad image enrolls nothing.
        var embeddings = settings.Images.Select(i => settings.SingleFace(pipeline, i, settings.Largest).Embedding).ToList();
        using var gallery = FaceGallery.Open(settings.Gallery, pipeline.Embedder.Identity);
        var identity = gallery.Enroll(settings.Name, embeddings, [.. settings.Images.Select(Path.GetFileName).Select(n => n ?? "")]);
        if (settings.Json)
        {
            Output.Json(new { name = identity.Name, faces = identity.FaceCount, added = embeddings.Count, gallery = settings.Gallery });
        }
        else
        {
            AnsiConsole.MarkupLine($"enrolled [bold]{Markup.Escape(identity.Name)}[/]: {embeddings.Count} face(s) added, {identity.FaceCount} in all ({Markup.Escape(settings.Gallery)})");
        }

        return 0;
    }
}
