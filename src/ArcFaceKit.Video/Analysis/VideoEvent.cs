using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// One event of an analysis. <paramref name="Person"/> is the subject's name or the visitor's id (null while the track
/// is unnamed); <paramref name="Similarity"/> the track template's similarity to the subject (NaN for visitors and
/// unnamed tracks); <paramref name="BestFace"/> the aligned crop of the track's best face so far, if one was embedded.
/// </summary>
public sealed record VideoEvent(
    VideoEventKind Kind, int TrackId, string? Person, bool IsVisitor, float Similarity, TimeSpan FirstSeen, TimeSpan LastSeen, RgbImage? BestFace)
{
    /// <summary>The track's quality-weighted template (L2-normalised) at the event; null when none of its faces was embedded.</summary>
    public float[]? Template { get; init; }

    /// <summary>The gallery group of unnamed faces an unknown track's best face was kept in (<see cref="VideoAnalysisOptions.CollectUnknownAs"/>).</summary>
    public long? Group { get; init; }
}
