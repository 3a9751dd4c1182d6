using ArcFaceKit.Detection;

namespace ArcFaceKit.Tracking;

/// <summary>
/// One face in one frame, as the tracker takes it: the detector's face (box and score) and, where the pipeline made one
/// for this frame, its L2-normalised embedding, which lets a lost track be found again by appearance.
/// </summary>
public sealed record FaceObservation(DetectedFace Face, float[]? Embedding = null);
