using System.ComponentModel;
using ArcFaceKit.Contracts;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class EnrollCommand : AsyncCommand<EnrollCommand.Settings>
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

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SubjectNames.Check(settings.Name);
        using var pipeline = settings.OpenPipeline();
        var photos = settings.Images.Select(i => new PhotoToEnroll(pipeline.DecodeFile(i), Path.GetFileName(i))).ToList();

        // Every image is checked before the gallery is opened: one bad image enrolls nothing and creates no file.
        var faces = await new GalleryService(pipeline).FacesToEnrollAsync(photos, settings.Largest ? FaceSelection.Largest : FaceSelection.Single, cancellationToken);
        await using var gallery = await SqliteGallery.OpenAsync(settings.Gallery, pipeline.Embedder.Identity, cancellationToken: cancellationToken);
        var stored = await gallery.AddFacesAsync(settings.Name, [.. faces.Select(f => f.New)], DecisionSettings.Actor, cancellationToken);
        var subject = (await gallery.GetSubjectAsync(settings.Name, cancellationToken))!;
        if (settings.Json)
        {
            Output.Json(new { subject = SubjectJson.From(subject), added = stored.Select(f => StoredFaceJson.From(f)), gallery = settings.Gallery });
        }
        else
        {
            AnsiConsole.MarkupLine($"enrolled [bold]{Markup.Escape(subject.Name)}[/]: {stored.Count} face(s) added, {subject.FaceCount} in all ({Markup.Escape(settings.Gallery)})");
        }

        return 0;
    }
}
