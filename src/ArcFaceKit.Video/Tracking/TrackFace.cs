namespace ArcFaceKit.Tracking;

/// <summary>The embedding of the face a track holds on the current frame, for <see cref="FaceTracker.Verify"/>.</summary>
internal sealed record TrackFace(int TrackId, float[] Embedding);
