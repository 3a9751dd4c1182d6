namespace ArcFaceKit.Detection;

/// <summary>
/// One face: box, five landmarks in the ArcFace template's order (image-left eye, image-right eye, nose tip,
/// image-left mouth corner, image-right mouth corner) and the detector's confidence, all in original image pixels.
/// </summary>
public sealed record DetectedFace(FaceBox Box, IReadOnlyList<FacePoint> Landmarks, float Score)
{
    public const int LandmarkCount = 5;
}
