namespace ArcFaceKit.Recognition;

public sealed record EmbedderOptions
{
    /// <summary>Embedding = normalise(f(crop) + f(mirrored crop)), as LFW evaluations usually do. Twice the compute.</summary>
    public bool FlipTest { get; init; }

    /// <summary>Crops per model run where the model's batch is dynamic; others run one at a time behind the same call.</summary>
    public int BatchSize { get; init; } = 16;

    public static EmbedderOptions Default { get; } = new();
}
