using System.Numerics.Tensors;

namespace ArcFaceKit.Recognition;

internal static class Embeddings
{
    /// <summary>Scales a vector to unit length in place (zero stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
