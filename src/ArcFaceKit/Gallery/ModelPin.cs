using System.Globalization;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Gallery;

/// <summary>How a gallery records the model its embeddings come from (key/value rows), and the refusal when another model opens it.</summary>
internal static class ModelPin
{
    public static IEnumerable<(string Key, string Value)> Entries(ModelIdentity model) =>
        [("model_key", model.Key), ("model_name", model.Name), ("dimension", model.Dimension.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The pinned model (key, name) read through <paramref name="read"/>, or null for a new database.</summary>
    public static (string Key, string Name)? Read(Func<string, string?> read) =>
        read("model_key") is { } key ? (key, read("model_name") ?? "?") : null;

    /// <summary>Refuses <paramref name="model"/> on a database pinned to another model.</summary>
    public static void Check((string Key, string Name) pinned, ModelIdentity model, string where)
    {
        if (pinned.Key != model.Key)
        {
            throw new GalleryException(GalleryError.WrongModel,
                $"{where} holds embeddings of {pinned.Name} ({pinned.Key}); it cannot be used with {model} ({model.Key}). {KeepOrEnrolAgain(pinned.Name)}");
        }
    }

    /// <summary>How to go on: a known model (an earlier default, say) is named by the file 'models fetch' writes for it.</summary>
    private static string KeepOrEnrolAgain(string name)
    {
        string? file = ModelResolver.KnownFusions.Any(m => m.Name == name)
            ? ModelResolver.FusionManifestFile(name)
            : ModelResolver.KnownManifests.FirstOrDefault(m => m.Name == name)?.PrimaryFile.File;
        return file is null
            ? "Use the same embedder or a new gallery."
            : $"Keep using it with the embedder it was made with (--embedder {file}, in the model folder), or enrol its people again into a new gallery.";
    }
}
