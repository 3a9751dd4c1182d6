using System.ComponentModel;
using System.Text.Json;
using ArcFaceKit.Gallery;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>
/// `subjects list`: every subject with its face count, names written as JSON strings so that invisible and
/// bidirectional characters show; names the API cannot address (stored by an earlier version) are marked.
/// </summary>
public sealed class SubjectListCommand : AsyncCommand<SubjectListCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--unaddressable")]
        [Description("Only the subjects whose names today's rule refuses ('.', '..', invisible or bidirectional characters).")]
        public bool Unaddressable { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        await using var store = await Galleries.OpenAsync(settings.ToOptions(), null, cancellationToken);
        foreach (var subject in await store.ListSubjectsAsync(cancellationToken))
        {
            bool addressable = SubjectNames.IsAllowed(subject.Name);
            if (!settings.Unaddressable || !addressable)
            {
                Console.WriteLine($"{JsonSerializer.Serialize(subject.Name)}\t{subject.FaceCount} faces{(addressable ? "" : "\tunaddressable")}");
            }
        }

        return 0;
    }
}

/// <summary>`subjects erase`: erases one subject by name, or every subject the API cannot address, as the API's erasure does.</summary>
public sealed class SubjectEraseCommand : AsyncCommand<SubjectEraseCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandArgument(0, "[NAME]")]
        [Description("The subject's name as stored (`subjects list` shows it as a JSON string).")]
        public string? Name { get; init; }

        [CommandOption("--unaddressable")]
        [Description("Erase every subject whose name today's rule refuses.")]
        public bool Unaddressable { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        if (settings.Unaddressable == settings.Name is not null)
        {
            throw new ArgumentException("Give either a NAME or --unaddressable.");
        }

        await using var store = await Galleries.OpenAsync(settings.ToOptions(), null, cancellationToken);
        IEnumerable<string> names = settings.Name is { } name
            ? [name]
            : (await store.ListSubjectsAsync(cancellationToken)).Select(s => s.Name).Where(n => !SubjectNames.IsAllowed(n));
        int erased = 0;
        foreach (string subject in names.ToList())
        {
            if (!await store.DeleteSubjectAsync(subject, "cli", cancellationToken))
            {
                throw new GalleryException(GalleryError.NotFound, $"No subject named {JsonSerializer.Serialize(subject)}.");
            }

            erased++;
        }

        Console.WriteLine($"erased {erased} subject{(erased == 1 ? "" : "s")}");
        return 0;
    }
}
