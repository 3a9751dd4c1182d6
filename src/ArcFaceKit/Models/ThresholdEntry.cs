namespace ArcFaceKit.Models;

/// <summary>A measured decision threshold, in cosine similarity, and where it came from.</summary>
public sealed record ThresholdEntry
{
    /// <summary>"best-accuracy" or "far-1e-3".</summary>
    public string Name { get; init; } = "";

    /// <summary>Cosine similarity of L2-normalised embeddings; pairs at or above it are the same person.</summary>
    public float Cosine { get; init; }

    /// <summary>How it was measured (dataset, protocol, detector, flip test, command).</summary>
    public string Source { get; init; } = "";
}
