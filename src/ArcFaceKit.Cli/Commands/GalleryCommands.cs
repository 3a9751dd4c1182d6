using System.ComponentModel;
using ArcFaceKit.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class GalleryListCommand : AsyncCommand<DecisionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DecisionSettings settings, CancellationToken cancellationToken)
    {
        using var service = settings.OpenPipeline();
        await using var gallery = await settings.OpenExistingGalleryAsync(service);
        var list = await gallery.ListSubjectsAsync(cancellationToken);
        if (settings.Json)
        {
            Output.Json(new { gallery = settings.Gallery, model = gallery.Model.ToString(), subjects = list.Select(SubjectJson.From) });
            return 0;
        }

        var table = new Table().AddColumns("name", "faces", "enrolled (UTC)");
        foreach (var s in list)
        {
            table.AddRow(Markup.Escape(s.Name), $"{s.FaceCount}", s.CreatedUtc.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.MarkupLine($"{list.Count} subjects in {Markup.Escape(settings.Gallery)} ({Markup.Escape(gallery.Model.ToString())})");
        AnsiConsole.Write(table);
        return 0;
    }
}

public sealed class GalleryRemoveCommand : AsyncCommand<GalleryRemoveCommand.Settings>
{
    public sealed class Settings : DecisionSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Subject to erase with all its faces.")]
        public string Name { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var service = settings.OpenPipeline();
        await using var gallery = await settings.OpenExistingGalleryAsync(service);
        if (!await gallery.DeleteSubjectAsync(settings.Name, DecisionSettings.Actor, cancellationToken))
        {
            throw new UsageException($"No subject named '{settings.Name}' in {settings.Gallery}.");
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
