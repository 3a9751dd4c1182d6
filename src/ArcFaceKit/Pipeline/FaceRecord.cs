using ArcFaceKit.Detection;

namespace ArcFaceKit.Pipeline;

/// <summary>A detected face and its L2-normalised embedding.</summary>
public sealed record FaceRecord(DetectedFace Face, float[] Embedding);
