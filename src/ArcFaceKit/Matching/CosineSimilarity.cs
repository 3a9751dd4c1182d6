using System.Numerics.Tensors;

namespace ArcFaceKit.Matching;

public static class CosineSimilarity
{
    /// <summary>Cosine similarity; for L2-normalised embeddings this is their dot product (squared L2 distance = 2 - 2 cos).</summary>
    public static float Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Embeddings of different sizes ({a.Length} and {b.Length}) cannot be compared.");
        }

        return TensorPrimitives.CosineSimilarity(a, b);
    }
}
