using ArcFaceKit.Server.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("arcface-server");
    config.PropagateExceptions();
    config.AddCommand<ServeCommand>("serve").WithDescription("Run the REST API and web page.");
    config.AddBranch("keys", keys =>
    {
        keys.SetDescription("API keys (stored hashed): create, list, revoke.");
        keys.AddCommand<KeyCreateCommand>("create").WithDescription("Issue a key; prints its token once.");
        keys.AddCommand<KeyListCommand>("list").WithDescription("List keys (no secrets).");
        keys.AddCommand<KeyRevokeCommand>("revoke").WithDescription("Revoke a key.");
    });
    config.AddCommand<RecallCommand>("recall").WithDescription("PostgreSQL: HNSW recall@k against exact search on real face embeddings.");
    config.AddCommand<LoadTestCommand>("loadtest").WithDescription("N concurrent clients enrolling and recognizing against a loopback server; prints requests/s, p50, p99, errors.");
});

try
{
    // No command, or only settings: serve, configured ASP.NET Core style (--ArcFace:Store=postgres, ArcFace__Store, appsettings.json,
    // --urls). This is also how WebApplicationFactory starts the app.
    if (args.Length == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not ("--help" or "--version")))
    {
        using var web = ArcFaceKit.Server.ServerApp.Create(args);
        web.Run();
        return 0;
    }

    return app.Run(args);
}
catch (Exception e) when (e is CommandAppException or CommandParseException or CommandRuntimeException or ArcFaceKit.Server.Storage.StoreException
    or ArcFaceKit.Models.ModelContractException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
