using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;

namespace ArcFaceKit.Service;

/// <summary>How a 1:N search answers: how many candidates, how subjects are scored, the acceptance threshold.</summary>
public sealed record IdentifyOptions
{
    public int K { get; init; } = 3;

    public SubjectScoring Scoring { get; init; } = SubjectScorings.Default;

    /// <summary>Null: the embedder manifest's FAR 1e-3 threshold.</summary>
    public SimilarityThreshold? Threshold { get; init; }

    public static IdentifyOptions Default { get; } = new();
}
