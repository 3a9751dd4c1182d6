using System.Globalization;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Server.Storage;

/// <summary>How a store records the model its embeddings come from, and refuses another model's.</summary>
public static class ModelPin
{
    public static IEnumerable<(string Key, string Value)> Entries(ModelIdentity model) =>
        [("model_key", model.Key), ("model_name", model.Name), ("dimension", model.Dimension.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The pinned model (key, name) read through <paramref name="read"/>, or null for a new store.</summary>
    public static (string Key, string Name)? Read(Func<string, string?> read) =>
        read("model_key") is { } key ? (key, read("model_name") ?? "?") : null;

    public static void Check((string Key, string Name) pinned, ModelIdentity model, string where)
    {
        if (pinned.Key != model.Key)
        {
            throw new StoreException(StoreError.WrongModel,
                $"{where} holds embeddings of {pinned.Name} ({pinned.Key}); it cannot be used with {model} ({model.Key}). Use the same embedder or a new store.");
        }
    }

    public static void CheckDimension(float[] embedding, int dimension)
    {
        if (embedding.Length != dimension)
        {
            throw new StoreException(StoreError.Invalid, $"This store holds {dimension}-d embeddings; got a {embedding.Length}-d one.");
        }
    }
}
