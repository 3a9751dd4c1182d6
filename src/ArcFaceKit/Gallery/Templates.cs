using System.Numerics.Tensors;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Gallery;

/// <summary>A subject's template: the L2-normalised mean of its face embeddings.</summary>
internal static class Templates
{
    public static float[] Mean(IEnumerable<float[]> embeddings, int dimension)
    {
        var sum = new float[dimension];
        foreach (var e in embeddings)
        {
            TensorPrimitives.Add(sum, e, sum);
        }

        Embeddings.Normalize(sum);
        return sum;
    }
}
