using System.Numerics.Tensors;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Tests;

/// <summary>Vectors for the search tests: random unit vectors, near copies of a vector, and half-precision copies as the 8-bit index keeps them.</summary>
internal static class SearchVectors
{
    public static float[] RandomUnit(Random rng, int dim)
    {
        var v = Enumerable.Range(0, dim).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }

    /// <summary>The vector moved by up to 0.01 a component, normalised again.</summary>
    public static float[] Near(float[] v, Random rng)
    {
        var q = v.Select(x => x + (0.02f * ((float)rng.NextDouble() - 0.5f))).ToArray();
        Embeddings.Normalize(q);
        return q;
    }

    public static Half[] ToHalf(float[] v)
    {
        var half = new Half[v.Length];
        TensorPrimitives.ConvertToHalf(v, half);
        return half;
    }
}
