namespace ArcFaceKit.Video;

/// <summary>
/// One embedded face of a track: its embedding, its weight in the track's template (the face's image quality), whether
/// it is large enough to name a subject, and the subject it matched on its own at or above the threshold (null: none).
/// </summary>
internal sealed record TrackSample(float[] Embedding, float Weight, bool Large, string? OwnMatch);
