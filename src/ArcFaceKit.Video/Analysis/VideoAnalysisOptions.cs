using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Tracking;

namespace ArcFaceKit.Video;

/// <summary>
/// How a video is analysed: tracking, when a track's face is embedded, and when a track is named. Identification uses the
/// same 1:N scoring and threshold as photos (<see cref="Scoring"/>, <see cref="Threshold"/>), decided on a track's
/// quality-weighted template rather than on one frame.
/// </summary>
public sealed record VideoAnalysisOptions
{
    /// <summary>
    /// The tracker's association settings; appearance re-linking uses <see cref="Threshold"/> when the tracker's own is unset.
    /// Lost tracks may be re-linked by appearance for 10 s (the generated clips' people come back after 1-4 s).
    /// </summary>
    public TrackerOptions Tracker { get; init; } = TrackerOptions.Default with { RelinkBuffer = TimeSpan.FromSeconds(10) };

    /// <summary>Run the detector on every Nth frame; the tracker predicts the boxes of the frames between. 1: every frame.</summary>
    public int DetectEvery { get; init; } = 1;

    /// <summary>
    /// Faces whose box is smaller than this (shorter side, frame pixels) are tracked and count toward visitors, but never
    /// name an enrolled subject: tiny faces are where wrong names come from. The default is measured: the smallest face
    /// at which TAR stays within 5 points and FAR within 2x of full-size photos, for each embedder measured
    /// (docs/accuracy.md: Face size, `bench face-size`).
    /// </summary>
    public float MinFaceSize { get; init; } = 34;

    /// <summary>The most embedder runs a track gets (fewer once it is named).</summary>
    public int MaxEmbeddingsPerTrack { get; init; } = 12;

    /// <summary>How long after an embedding the next one may come; each interval doubles, and once named it is four times as long.</summary>
    public TimeSpan FirstInterval { get; init; } = TimeSpan.FromSeconds(0.2);

    /// <summary>A subject is named only when at least this many of the track's faces have it as their own best match.</summary>
    public int MinAgreeingFaces { get; init; } = 2;

    /// <summary>The best subject must lead the second by this much cosine similarity on the track's template.</summary>
    public float Margin { get; init; } = 0.05f;

    /// <summary>The 1:N decision threshold; null: the embedder's default (its manifest's FAR 1e-3 point).</summary>
    public SimilarityThreshold? Threshold { get; init; }

    public SubjectScoring Scoring { get; init; } = SubjectScorings.Default;

    /// <summary>Appearances of one person less than this apart are one visit: one arrival, one notification.</summary>
    public TimeSpan VisitGap { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A frame whose 32x18 grey thumbnail differs from the previous one's by more than this mean absolute difference
    /// (0..255) is a scene cut: every track ends. 0 turns cut detection off.
    /// </summary>
    public float SceneCutDifference { get; init; } = 60;

    /// <summary>
    /// With a gallery: when an unknown person's track ends, its best face joins the gallery's groups of unnamed faces,
    /// written under this actor, so the person can be named later (naming a group enrols its faces). Null: nothing kept.
    /// </summary>
    public string? CollectUnknownAs { get; init; }

    public static VideoAnalysisOptions Default { get; } = new();
}
