using ArcFaceKit.Detection;

namespace ArcFaceKit.Clips;

/// <summary>
/// A person as drawn in one frame: the photo, the sprite's rectangle (<paramref name="Head"/>), the photo's own
/// rectangle one pixel in, mapped the same way (<paramref name="PhotoBounds"/>: the sprite is less than half opaque outside it), the face box,
/// all in clip pixels, the layer, and the face's motion in pixels a frame (for motion blur).
/// </summary>
internal sealed record PersonPose(int Track, StillFace Still, FaceBox Face, FaceBox Head, FaceBox PhotoBounds, int Layer, float VelocityX, float VelocityY)
{
    /// <summary>Whether this sprite hides the clip pixel (x, y): inside the photo and inside its mask where the mask is at least half opaque.</summary>
    public bool Hides(float x, float y)
    {
        if (x < PhotoBounds.X || x >= PhotoBounds.Right || y < PhotoBounds.Y || y >= PhotoBounds.Bottom)
        {
            return false;
        }

        float dx = (x - (Head.X + (Head.Width / 2))) / (Head.Width / 2);
        float dy = (y - (Head.Y + (Head.Height / 2))) / (Head.Height / 2);
        return MathF.Sqrt((dx * dx) + (dy * dy)) <= SpriteMask.HalfOpaqueRadius;
    }
}
