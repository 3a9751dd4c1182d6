using ArcFaceKit.Matching;

namespace ArcFaceKit.Pipeline;

/// <summary>A 1:1 decision with the two faces it was made on.</summary>
public sealed record VerificationResult(Verification Decision, FaceRecord First, FaceRecord Second);
