namespace ArcFaceKit.Server;

/// <summary>Tells ASP.NET Core configuration arguments (--ArcFace:Store=postgres, --urls=URL) from the `serve` command's flags.</summary>
public static class HostArguments
{
    private static readonly string[] HostKeys = ["urls", "environment", "contentRoot", "applicationName", "webroot"];

    /// <summary>True when every argument is a configuration key=value (or a key with ':' followed by its value).</summary>
    public static bool AreConfiguration(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                return false;
            }

            string key = a[2..].Split('=', 2)[0];
            bool configurationKey = key.Contains(':', StringComparison.Ordinal) || key.Equals(ServerOptions.Section, StringComparison.OrdinalIgnoreCase)
                || HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
            if (!configurationKey)
            {
                return false;
            }

            if (!a.Contains('=', StringComparison.Ordinal))
            {
                i++;    // "--ArcFace:Store postgres": the value follows
            }
        }

        return true;
    }
}
