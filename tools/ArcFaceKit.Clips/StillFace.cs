using ArcFaceKit.Detection;

namespace ArcFaceKit.Clips;

/// <summary>
/// A photo as a sprite: its size, the face box the detector found on the clean still (the largest face), and the head
/// region cut out around it (whole pixels, possibly reaching past the photo's edge, where the sprite is transparent).
/// The ground-truth box of every frame is <see cref="Face"/> mapped the way this region is drawn.
/// </summary>
internal sealed record StillFace(string Path, int Width, int Height, FaceBox Face)
{
    /// <summary>The head region is this many face widths wide and face heights tall: hair, ears and chin, little else.</summary>
    public const float HeadWidthFactor = 1.6f;

    public const float HeadHeightFactor = 1.8f;

    /// <summary>Centred this many face heights above the face box's centre: a detector's box starts at the brows, the hair is above.</summary>
    public const float HeadRaise = 0.1f;

    public string File => System.IO.Path.GetFileName(Path);

    /// <summary>The sprite's rectangle in photo pixels (whole pixels, so the sprite's pixels are the photo's own).</summary>
    public FaceBox Head
    {
        get
        {
            float cx = Face.X + (Face.Width / 2);
            float cy = Face.Y + (Face.Height / 2) - (HeadRaise * Face.Height);
            float x = MathF.Floor(cx - (HeadWidthFactor * Face.Width / 2));
            float y = MathF.Floor(cy - (HeadHeightFactor * Face.Height / 2));
            return new FaceBox(x, y, MathF.Ceiling(HeadWidthFactor * Face.Width), MathF.Ceiling(HeadHeightFactor * Face.Height));
        }
    }
}
