using System.Text.Json;
using System.Text.Json.Serialization;
using ArcFaceKit.Detection;

namespace ArcFaceKit.Cli;

/// <summary>JSON shapes the CLI writes (documented in docs/cli-output.md).</summary>
internal static class Output
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    public static void Json(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static object Face(DetectedFace face, int index) => new
    {
        face = index,
        score = face.Score,
        box = new { x = face.Box.X, y = face.Box.Y, width = face.Box.Width, height = face.Box.Height },
        landmarks = face.Landmarks.Select(p => new[] { p.X, p.Y }),
    };
}
