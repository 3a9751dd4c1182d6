using ArcFaceKit.Detection;

namespace ArcFaceKit.Clips;

/// <summary>
/// The poses of a frame in drawing order (layer, then track): the one place where a script becomes geometry, read by
/// the renderer to draw and by the ground truth to measure, so both agree to the pixel.
/// </summary>
internal static class ClipScene
{
    public static IReadOnlyList<PersonPose> Poses(ClipScript script, int frame)
    {
        var poses = new List<PersonPose>(script.People.Count);
        foreach (var person in script.People)
        {
            if (person.AppearanceAt(frame) is not { } appearance)
            {
                continue;
            }

            var (x, y, height) = appearance.At(frame);
            var (nx, ny, _) = appearance.At(Math.Min(frame + 1, appearance.Last));
            var (px, py, _) = appearance.At(Math.Max(frame - 1, appearance.First));
            float span = Math.Min(frame + 1, appearance.Last) - Math.Max(frame - 1, appearance.First);
            var still = person.Photos[appearance.PhotoAt(frame)];
            poses.Add(Pose(person.Track, still, x, y, height, appearance.Layer, span > 0 ? (nx - px) / span : 0, span > 0 ? (ny - py) / span : 0));
        }

        return [.. poses.OrderBy(p => p.Layer).ThenBy(p => p.Track)];
    }

    /// <summary>
    /// A photo placed so its face box is centred at (x, y) and <paramref name="faceHeight"/> tall: every photo point p
    /// goes to centre + scale * (p - face centre), the mapping the sprite is drawn with.
    /// </summary>
    public static PersonPose Pose(int track, StillFace still, float x, float y, float faceHeight, int layer, float vx = 0, float vy = 0)
    {
        float scale = faceHeight / still.Face.Height;
        float fcx = still.Face.X + (still.Face.Width / 2);
        float fcy = still.Face.Y + (still.Face.Height / 2);
        FaceBox Map(FaceBox r) => new(x + (scale * (r.X - fcx)), y + (scale * (r.Y - fcy)), scale * r.Width, scale * r.Height);
        // The sprite fades over the photo's outermost two pixels (Sprites), so it hides from one pixel in.
        var inside = new FaceBox(Sprites.EdgeFade / 2, Sprites.EdgeFade / 2, still.Width - Sprites.EdgeFade, still.Height - Sprites.EdgeFade);
        return new PersonPose(track, still, Map(still.Face), Map(still.Head), Map(inside), layer, vx, vy);
    }
}
