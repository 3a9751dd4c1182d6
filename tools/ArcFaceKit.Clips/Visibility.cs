using ArcFaceKit.Detection;

namespace ArcFaceKit.Clips;

/// <summary>
/// The fraction of a face box that is seen: inside the frame and not hidden by a sprite drawn in front of it. Measured
/// on a grid of <see cref="Grid"/> x <see cref="Grid"/> points at the centres of equal cells of the box (1/1024 of the
/// box each: the fraction is exact to that step).
/// </summary>
internal static class Visibility
{
    public const int Grid = 32;

    public static float Of(FaceBox face, IEnumerable<PersonPose> inFront, int width, int height)
    {
        var front = inFront.Where(p => Overlaps(p.Head, face)).ToArray();
        int seen = 0;
        for (int j = 0; j < Grid; j++)
        {
            float y = face.Y + ((j + 0.5f) * face.Height / Grid);
            for (int i = 0; i < Grid; i++)
            {
                float x = face.X + ((i + 0.5f) * face.Width / Grid);
                if (x >= 0 && x < width && y >= 0 && y < height && !front.Any(p => p.Hides(x, y)))
                {
                    seen++;
                }
            }
        }

        return seen / (float)(Grid * Grid);
    }

    private static bool Overlaps(FaceBox a, FaceBox b) => a.X < b.Right && b.X < a.Right && a.Y < b.Bottom && b.Y < a.Bottom;
}
