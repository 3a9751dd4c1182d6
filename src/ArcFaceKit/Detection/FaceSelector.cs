namespace ArcFaceKit.Detection;

/// <summary>Applies a <see cref="FaceSelection"/> to the faces found in an image of the given size.</summary>
internal static class FaceSelector
{
    /// <summary>The faces kept; <see cref="FaceSelection.Single"/> keeps them all (refusing several is the caller's).</summary>
    public static IReadOnlyList<DetectedFace> Apply(IReadOnlyList<DetectedFace> faces, FaceSelection selection, int imageWidth, int imageHeight)
    {
        if (faces.Count <= 1 || selection is FaceSelection.All or FaceSelection.Single)
        {
            return faces;
        }

        float cx = imageWidth / 2f, cy = imageHeight / 2f;
        return [selection == FaceSelection.Largest
            ? faces.MaxBy(f => f.Box.Area)!
            : faces.MinBy(f => Square(f.Box.X + (f.Box.Width / 2) - cx) + Square(f.Box.Y + (f.Box.Height / 2) - cy))!];
    }

    private static float Square(float v) => v * v;
}
