using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Server.Storage;

/// <summary>The refusals both stores make the same way: another model's store, an embedding of the wrong size.</summary>
public static class StoreChecks
{
    public static void SameModel((string Key, string Name) pinned, ModelIdentity model, string where)
    {
        if (ModelPin.Mismatch(pinned, model, where) is { } message)
        {
            throw new StoreException(StoreError.WrongModel, message);
        }
    }

    public static void Dimension(float[] embedding, int dimension)
    {
        if (embedding.Length != dimension)
        {
            throw new StoreException(StoreError.Invalid, $"This store holds {dimension}-d embeddings; got a {embedding.Length}-d one.");
        }
    }
}
