namespace ArcFaceKit.Detection;

/// <summary>
/// One face: box, five landmarks in the ArcFace template's order (image-left eye, image-right eye, nose tip,
/// image-left mouth corner, image-right mouth corner) and the detector's confidence, all in original image pixels.
/// </summary>
public sealed record DetectedFace(FaceBox Box, IReadOnlyList<FacePoint> Landmarks, float Score)
{
    public const int LandmarkCount = 5;

    /// <summary>The same face in an image <paramref name="scale"/> times larger (from reduced-scale pixels to the photo's own).</summary>
    internal DetectedFace ScaledBy(float scale) => scale == 1f
        ? this
        : new(new FaceBox(Box.X * scale, Box.Y * scale, Box.Width * scale, Box.Height * scale), [.. Landmarks.Select(p => new FacePoint(p.X * scale, p.Y * scale))], Score);
}
