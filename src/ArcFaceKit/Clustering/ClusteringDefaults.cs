using ArcFaceKit.Models;

namespace ArcFaceKit.Clustering;

/// <summary>The clustering threshold for an embedder when none is given, from its measured verification threshold.</summary>
public static class ClusteringDefaults
{
    /// <summary>
    /// How far above the embedder's FAR 1e-3 threshold a face must be to join a person's centroid. Measured with
    /// `arcface eval cluster` (docs/clustering.md): collections of many people with few photos each (LFW) want a higher threshold,
    /// since every face has thousands of chances of a false match; collections of fewer people with many varied photos
    /// (the CelebA subset) want a lower one. 0.10 gives the best worst case over both sets for both embedders measured.
    /// </summary>
    internal const float MarginOverFarThreshold = 0.10f;

    /// <summary>
    /// The similarity a face needs to join a person's centroid: <paramref name="given"/> when there is one, else the
    /// embedder's FAR 1e-3 threshold plus <see cref="MarginOverFarThreshold"/>.
    /// </summary>
    public static float ThresholdFor(ModelManifest manifest, float? given = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (given is { } threshold)
        {
            return threshold;
        }

        var far = manifest.Threshold(ModelManifest.FarThreshold)
            ?? throw new ModelContractException($"{manifest.Name} has no measured '{ModelManifest.FarThreshold}' threshold to derive a clustering threshold from: give one (--threshold), or measure it with `arcface eval lfw --write-manifest`.");
        return far.Cosine + MarginOverFarThreshold;
    }
}
