using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// One event of an analysis. <paramref name="Person"/> is the subject's name or the visitor's id (null while the track
/// is unnamed); <paramref name="Similarity"/> the track template's similarity to the subject (NaN for visitors and
/// unnamed tracks); <paramref name="BestFace"/> the aligned crop of the track's best face so far, if one was embedded.
/// </summary>
public sealed record VideoEvent(
    VideoEventKind Kind, int TrackId, string? Person, bool IsVisitor, float Similarity, TimeSpan FirstSeen, TimeSpan LastSeen, RgbImage? BestFace);
