namespace ArcFaceKit.Clips;

/// <summary>
/// One stay of a person in the clip, from its first waypoint's frame to its last: the path, the photo shown when
/// (the first switch is at the first frame), and the layer it is drawn in (higher layers are drawn later, in front).
/// A person who leaves and comes back has two appearances.
/// </summary>
internal sealed record Appearance(IReadOnlyList<Waypoint> Path, IReadOnlyList<PhotoSwitch> Photos, int Layer)
{
    public int First => Path[0].Frame;

    public int Last => Path[^1].Frame;

    public bool Covers(int frame) => frame >= First && frame <= Last;

    /// <summary>The face's centre and height at a frame this appearance covers, by linear interpolation.</summary>
    public (float X, float Y, float FaceHeight) At(int frame)
    {
        for (int i = 1; i < Path.Count; i++)
        {
            if (frame <= Path[i].Frame)
            {
                var (a, b) = (Path[i - 1], Path[i]);
                float t = b.Frame == a.Frame ? 1f : (frame - a.Frame) / (float)(b.Frame - a.Frame);
                return (a.X + (t * (b.X - a.X)), a.Y + (t * (b.Y - a.Y)), a.FaceHeight + (t * (b.FaceHeight - a.FaceHeight)));
            }
        }

        return (Path[^1].X, Path[^1].Y, Path[^1].FaceHeight);
    }

    public int PhotoAt(int frame) => Photos.LastOrDefault(s => s.Frame <= frame)?.Photo ?? Photos[0].Photo;
}
