namespace ArcFaceKit.Detection;

/// <summary>A point in the original image's pixel coordinates.</summary>
public readonly record struct FacePoint(float X, float Y);
