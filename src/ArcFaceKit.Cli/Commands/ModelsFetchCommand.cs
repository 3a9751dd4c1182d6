using System.ComponentModel;
using ArcFaceKit.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli.Commands;

public sealed class ModelsFetchCommand : Command<ModelsFetchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--dir <DIR>")]
        [Description("Target folder. Default: $ARCFACEKIT_MODELS or ~/.cache/arcfacekit/models.")]
        public string? Dir { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = ModelStore.Fetch(settings.Dir, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
        AnsiConsole.MarkupLine($"{files.Count} files in {Markup.Escape(settings.Dir ?? ModelStore.DefaultDirectory)}");
        return 0;
    }
}
