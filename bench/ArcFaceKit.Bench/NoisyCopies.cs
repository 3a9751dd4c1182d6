using ArcFaceKit.Recognition;

namespace ArcFaceKit.Bench;

/// <summary>Real embeddings grown to a large set: the originals first, then copies of them in turn with Gaussian noise, renormalised.</summary>
internal static class NoisyCopies
{
    /// <summary>
    /// <paramref name="target"/> unit vectors, each with the index of the original it came from; <paramref name="noise"/>
    /// is the noise's expected norm (0.6: a copy keeps a cosine of about 0.86 with its original, 0.74 with another copy).
    /// </summary>
    public static List<(float[] Vector, int Source)> Make(IReadOnlyList<float[]> originals, int target, float noise, Random rng)
    {
        int dim = originals[0].Length;
        float sigma = noise / MathF.Sqrt(dim);
        var result = new List<(float[], int)>(target);
        for (int i = 0; result.Count < target; i++)
        {
            var original = originals[i % originals.Count];
            result.Add((Copy(original, i < originals.Count ? 0 : sigma, rng), i % originals.Count));
        }

        return result;
    }

    /// <summary>A renormalised copy of <paramref name="vector"/> with Gaussian noise of <paramref name="sigma"/> a component.</summary>
    public static float[] Copy(float[] vector, float sigma, Random rng)
    {
        var copy = sigma == 0 ? (float[])vector.Clone() : [.. vector.Select(x => x + (sigma * Gaussian(rng)))];
        Embeddings.Normalize(copy);
        return copy;
    }

    private static float Gaussian(Random rng) =>
        MathF.Sqrt(-2 * MathF.Log(1 - rng.NextSingle())) * MathF.Cos(2 * MathF.PI * rng.NextSingle());
}
