using ArcFaceKit.Models;

namespace ArcFaceKit.Matching;

/// <summary>A decision threshold in cosine similarity of L2-normalised embeddings (-1..1; same person at or above it), with its origin.</summary>
public sealed record SimilarityThreshold(float Cosine, string Source)
{
    /// <summary>The manifest's threshold of that name (default: the FAR 1e-3 operating point, since false accepts cost most).</summary>
    public static SimilarityThreshold FromManifest(ModelManifest manifest, string name = ModelManifest.FarThreshold)
    {
        var entry = manifest.Threshold(name)
            ?? throw new ModelContractException($"Manifest '{manifest.Name}' has no measured '{name}' threshold; give one explicitly or measure it with 'eval lfw --write-manifest'.");
        return new SimilarityThreshold(entry.Cosine, $"{manifest.Name} {entry.Name}: {entry.Source}");
    }

    public override string ToString() => $"cosine >= {Cosine:F4} ({Source})";
}
