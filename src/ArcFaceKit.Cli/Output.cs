using System.Text.Json;
using ArcFaceKit.Contracts;

namespace ArcFaceKit.Cli;

/// <summary>JSON on standard output, in the shapes the server answers with (docs/cli-output.md).</summary>
internal static class Output
{
    public static void Json(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonShapes.Indented));
}
