using System.ComponentModel;
using ArcFaceKit.Search;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class GalleryListCommand : Command<DecisionSettings>
{
    public override int Execute(CommandContext context, DecisionSettings settings, CancellationToken cancellationToken)
    {
        using var gallery = GalleryCommands.OpenExisting(settings);
        var list = gallery.List();
        if (settings.Json)
        {
            Output.Json(new { gallery = settings.Gallery, model = gallery.Model.ToString(), identities = list.Select(i => new { name = i.Name, faces = i.FaceCount, created = i.Created }) });
            return 0;
        }

        var table = new Table().AddColumns("name", "faces", "enrolled (UTC)");
        foreach (var i in list)
        {
            table.AddRow(Markup.Escape(i.Name), $"{i.FaceCount}", i.Created.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.MarkupLine($"{list.Count} identities in {Markup.Escape(settings.Gallery)} ({Markup.Escape(gallery.Model.ToString())})");
        AnsiConsole.Write(table);
        return 0;
    }
}

public sealed class GalleryRemoveCommand : Command<GalleryRemoveCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Identity to delete with all its embeddings.")]
        public string Name { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var gallery = GalleryCommands.OpenExisting(settings);
        if (!gallery.Remove(settings.Name))
        {
            throw new UsageException($"No identity named '{settings.Name}' in {settings.Gallery}.");
        }

        if (settings.Json)
        {
            Output.Json(new { removed = settings.Name });
        }
        else
        {
            AnsiConsole.MarkupLine($"removed {Markup.Escape(settings.Name)}");
        }

        return 0;
    }
}

internal static class GalleryCommands
{
    public static FaceGallery OpenExisting(DecisionSettings settings)
    {
        if (!File.Exists(settings.Gallery))
        {
            throw new UsageException($"Gallery {settings.Gallery} does not exist.");
        }

        using var embedder = settings.OpenEmbedder();
        return FaceGallery.Open(settings.Gallery, embedder.Identity);
    }
}
