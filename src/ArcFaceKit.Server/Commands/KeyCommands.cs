using System.ComponentModel;
using ArcFaceKit.Server.Security;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>`keys create`: issues a key and prints its token once.</summary>
public sealed class KeyCreateCommand : AsyncCommand<KeyCreateCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Who or what the key is for.")]
        public string Name { get; init; } = "";

        [CommandOption("--scope <SCOPES>")]
        [Description("read, write, cameras, or a list such as read,write,cameras. Default: read.")]
        public string Scope { get; init; } = "read";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        await using var store = await Galleries.OpenAsync(settings.ToOptions(), null, cancellationToken);
        var (key, token) = await ApiKeys.CreateAsync(store, settings.Name, ApiKeys.ParseScopes(settings.Scope), "cli");
        Console.Error.WriteLine($"key {key.Id} ({key.Name}, {ApiKeys.ScopesOf(key)}); the token below is shown once, store it now:");
        Console.WriteLine(token);
        return 0;
    }
}

/// <summary>`keys revoke`: a revoked key is refused from the next request on.</summary>
public sealed class KeyRevokeCommand : AsyncCommand<KeyRevokeCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The key's id (the part after afk_, as `keys list` shows).")]
        public string Id { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        await using var store = await Galleries.OpenAsync(settings.ToOptions(), null, cancellationToken);
        if (!await store.RevokeKeyAsync(settings.Id, "cli", cancellationToken))
        {
            Console.Error.WriteLine($"error: no active key with id '{settings.Id}'.");
            return 2;
        }

        Console.WriteLine($"revoked {settings.Id}");
        return 0;
    }
}

/// <summary>`keys list`: ids, names, scopes and state; never secrets.</summary>
public sealed class KeyListCommand : AsyncCommand<StoreSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StoreSettings settings, CancellationToken cancellationToken)
    {
        UnknownOptions.Refuse(context);
        await using var store = await Galleries.OpenAsync(settings.ToOptions(), null, cancellationToken);
        foreach (var key in await store.ListKeysAsync(cancellationToken))
        {
            Console.WriteLine($"{key.Id}\t{key.Name}\t{ApiKeys.ScopesOf(key)}\t{key.CreatedUtc:u}\t{(key.IsActive ? "active" : $"revoked {key.RevokedUtc:u}")}");
        }

        return 0;
    }
}
