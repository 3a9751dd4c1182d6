namespace ArcFaceKit.Detection;

/// <summary>An axis-aligned face box in the original image's pixel coordinates.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public float Area => Math.Max(Width, 0) * Math.Max(Height, 0);

    public static FaceBox FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>Intersection over union with another box.</summary>
    public float IoU(FaceBox other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (w <= 0 || h <= 0)
        {
            return 0f;
        }

        float inter = w * h;
        return inter / (Area + other.Area - inter);
    }
}
