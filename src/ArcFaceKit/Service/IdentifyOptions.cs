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

    /// <summary>
    /// When set, faces no subject accepts are kept in the gallery's groups of unnamed faces (to be named later), with
    /// this actor in the audit; faces under <see cref="GalleryServiceOptions.MinEnrollImageQuality"/> are not kept. Null: none are.
    /// </summary>
    public string? CollectUnknownAs { get; init; }

    public static IdentifyOptions Default { get; } = new();
}
