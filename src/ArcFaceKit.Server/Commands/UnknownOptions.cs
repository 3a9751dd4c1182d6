using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>The parser keeps options it does not know aside; a server flag that is misspelt must stop the start, not be ignored.</summary>
internal static class UnknownOptions
{
    public static void Refuse(CommandContext context)
    {
        var unknown = context.Remaining.Parsed.Select(p => p.Key).Concat(context.Remaining.Raw).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown)}; see --help.");
        }
    }
}
