using ArcFaceKit.Server.Commands;
using Spectre.Console.Cli;

System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
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
    config.AddBranch("subjects", subjects =>
    {
        subjects.SetDescription("Administration of the gallery's subjects, including names the API cannot address.");
        subjects.AddCommand<SubjectListCommand>("list").WithDescription("List subjects (names as JSON strings) with face counts.");
        subjects.AddCommand<SubjectEraseCommand>("erase").WithDescription("Erase a subject, or every unaddressable one, with all its faces.");
    });
});

try
{
    // Configuration-style arguments only (--ArcFace:Store=postgres, --urls=..., or none): serve, configured the ASP.NET Core
    // way (appsettings.json, ArcFace__Store); this is also how WebApplicationFactory starts the app. Flags of `serve`
    // given without the word (--store postgres ...) run `serve`, so they are honoured or refused, never ignored.
    if (args.Length == 0 || ArcFaceKit.Server.HostArguments.AreConfiguration(args))
    {
        await using var web = ArcFaceKit.Server.ServerApp.Create(args);
        await web.RunAsync();
        return 0;
    }

    return app.Run(args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not ("--help" or "-h" or "--version") ? ["serve", .. args] : args);
}
catch (Exception e) when (e is CommandAppException or CommandParseException or CommandRuntimeException or ArcFaceKit.Gallery.GalleryException
    or ArcFaceKit.Models.ModelContractException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
