using System.Globalization;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Search;

/// <summary>
/// How a database of embeddings records the model they come from (key/value rows), and the refusal when another
/// model opens it. The library's FaceGallery and the server's stores share it.
/// </summary>
public static class ModelPin
{
    public static IEnumerable<(string Key, string Value)> Entries(ModelIdentity model) =>
        [("model_key", model.Key), ("model_name", model.Name), ("dimension", model.Dimension.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The pinned model (key, name) read through <paramref name="read"/>, or null for a new database.</summary>
    public static (string Key, string Name)? Read(Func<string, string?> read) =>
        read("model_key") is { } key ? (key, read("model_name") ?? "?") : null;

    /// <summary>Why <paramref name="model"/> may not use a database pinned to <paramref name="pinned"/>, or null when it may.</summary>
    public static string? Mismatch((string Key, string Name) pinned, ModelIdentity model, string where) =>
        pinned.Key == model.Key
            ? null
            : $"{where} holds embeddings of {pinned.Name} ({pinned.Key}); it cannot be used with {model} ({model.Key}). Use the same embedder or a new gallery.";
}
