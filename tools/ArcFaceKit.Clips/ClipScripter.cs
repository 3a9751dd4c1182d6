namespace ArcFaceKit.Clips;

/// <summary>
/// Draws a clip's script from its seed alone (System.Random with a seed gives the same sequence on every run and
/// machine): degradations, background, and per person its appearances (walking in from an edge or there from the start,
/// moving and growing or shrinking between waypoints, turning away to another photo, walking out and maybe coming back),
/// with some waypoints put on another person's face so that the two cross and one hides the other.
/// </summary>
internal static class ClipScripter
{
    /// <summary>The face's centre stays in these fractions of the frame between entering and leaving.</summary>
    private const float MarginX = 0.12f;
    private const float MarginY = 0.25f;

    public static ClipScript Write(ClipShape shape, IReadOnlyList<CastMember> cast, IReadOnlyList<string> backgroundPhotos)
    {
        var rng = new Random(shape.Seed);
        var effects = Effects(rng, shape);
        var background = Background(rng, backgroundPhotos);
        var people = new List<ScriptPerson>();
        for (int p = 0; p < cast.Count; p++)
        {
            var appearances = new List<Appearance>();
            foreach (var (start, end, enters, leaves) in Stays(rng, shape))
            {
                appearances.Add(Appear(rng, shape, cast[p], people, start, end, enters, leaves, appearances.Count));
            }

            people.Add(new ScriptPerson(p + 1, cast[p], appearances));
        }

        return new ClipScript(shape.Name, shape.Seed, shape.Width, shape.Height, shape.Fps, shape.Frames, effects, background, people);
    }

    /// <summary>Another background for the same clip (the planner asks when the detector finds a face in the first).</summary>
    public static BackgroundPlan Background(Random rng, IReadOnlyList<string> photos) => new(
        photos[rng.Next(photos.Count)], rng.NextDouble() < 0.5 ? 0f : 0.6f, rng.NextDouble() < 0.5 ? 0f : 0.6f, 0.4f,
        rng.NextDouble() < 0.5, Between(rng, -0.05f, 0.05f), Between(rng, -0.03f, 0.03f));

    private static ClipEffects Effects(Random rng, ClipShape shape)
    {
        int crf = rng.Next(20, 33);
        float noise = rng.NextDouble() < 0.3 ? 0 : MathF.Round(Between(rng, 2, 10));
        float defocus = rng.NextDouble() < 0.6 ? 0 : MathF.Round(Between(rng, 0.5f, 1.5f) * shape.Height / 720f, 2);
        return new ClipEffects(crf, noise, defocus, MathF.Round(Between(rng, 0.2f, 0.6f), 2));
    }

    /// <summary>One stay, or (in clips of 8 s and more, 40%) two with a gap of 1-2 s between: the person leaves and comes back.</summary>
    private static List<(int Start, int End, bool Enters, bool Leaves)> Stays(Random rng, ClipShape shape)
    {
        int f = shape.Frames, fps = shape.Fps;
        if (f >= 8 * fps && rng.NextDouble() < 0.4)
        {
            int s1 = rng.NextDouble() < 0.5 ? 0 : rng.Next(0, f / 6);
            int e1 = rng.Next(Math.Max(s1 + (2 * fps), f / 4), Math.Max(s1 + (2 * fps), 2 * f / 5) + 1);
            int s2 = Math.Min(e1 + rng.Next(fps, (2 * fps) + 1), f - 1 - (2 * fps));
            int e2 = rng.NextDouble() < 0.5 ? f - 1 : rng.Next(Math.Max(s2 + (2 * fps), 4 * f / 5), f);
            if (s2 > e1 + (fps / 2))
            {
                return [(s1, e1, s1 > 0, true), (s2, e2, true, e2 < f - 1)];
            }
        }

        int start = rng.NextDouble() < 0.5 ? 0 : rng.Next(0, (3 * f / 10) + 1);
        int end = rng.NextDouble() < 0.5 ? f - 1 : rng.Next(Math.Max(start + (2 * fps), 7 * f / 10), f);
        return [(start, Math.Min(end, f - 1), start > 0, end < f - 1)];
    }

    private static Appearance Appear(Random rng, ClipShape shape, CastMember member, List<ScriptPerson> earlier, int start, int end, bool enters, bool leaves, int index)
    {
        int fps = shape.Fps;
        float w = shape.Width, h = shape.Height;

        // The frames of the waypoints inside the frame: every 1.5-4 s, at least one, none in the first or last second of a walk in or out.
        int from = enters ? start + rng.Next(fps, (2 * fps) + 1) : start;
        int to = leaves ? end - rng.Next(fps, (2 * fps) + 1) : end;
        to = Math.Max(to, from);
        var frames = new List<int> { from };
        for (int t = from + rng.Next(fps * 3 / 2, 4 * fps); t < to - fps; t += rng.Next(fps * 3 / 2, 4 * fps))
        {
            frames.Add(t);
        }

        if (to > from)
        {
            frames.Add(to);
        }

        float height = Between(rng, 0.10f, 0.28f) * h;
        float x = Between(rng, MarginX, 1 - MarginX) * w, y = Between(rng, MarginY, 1 - MarginY) * h;
        var inside = new List<Waypoint>();
        foreach (int t in frames)
        {
            if (inside.Count > 0)
            {
                double angle = rng.NextDouble() * 2 * Math.PI;
                float reach = Between(rng, 0.1f, 0.4f) * w;
                x = Math.Clamp(x + (reach * (float)Math.Cos(angle)), MarginX * w, (1 - MarginX) * w);
                y = Math.Clamp(y + (reach * (float)Math.Sin(angle)), MarginY * h, (1 - MarginY) * h);
                height = Math.Clamp(height * MathF.Pow(2, Between(rng, -0.8f, 0.8f)), 0.08f * h, 0.4f * h);
            }

            inside.Add(new Waypoint(t, x, y, height));
        }

        Cross(rng, inside, earlier);
        var path = new List<Waypoint>();
        if (enters)
        {
            path.Add(Outside(rng, shape, inside[0], start));
        }

        path.AddRange(inside);
        if (leaves)
        {
            path.Add(Outside(rng, shape, inside[^1], end));
        }

        return new Appearance(path, Photos(rng, member.Photos.Count, path[0].Frame, path[^1].Frame, fps, index), rng.Next(0, 10));
    }

    /// <summary>
    /// In 70% of appearances one waypoint is moved onto the face of a person already scripted (if that person is there
    /// then), at about the same size: the two cross there and, by their layers, one hides the other.
    /// </summary>
    private static void Cross(Random rng, List<Waypoint> inside, List<ScriptPerson> earlier)
    {
        if (earlier.Count == 0 || rng.NextDouble() >= 0.7)
        {
            return;
        }

        int k = rng.Next(inside.Count);
        var other = earlier[rng.Next(earlier.Count)];
        var wp = inside[k];
        if (other.AppearanceAt(wp.Frame) is { } there)
        {
            var (ox, oy, oh) = there.At(wp.Frame);
            inside[k] = wp with { X = ox + (Between(rng, -0.25f, 0.25f) * oh), Y = oy + (Between(rng, -0.2f, 0.2f) * oh), FaceHeight = oh * Between(rng, 0.85f, 1.2f) };
        }
    }

    /// <summary>Just past the left, right or bottom edge, level with the waypoint inside: a person walks in or out.</summary>
    private static Waypoint Outside(Random rng, ClipShape shape, Waypoint near, int frame) => rng.Next(3) switch
    {
        0 => near with { Frame = frame, X = -0.8f * near.FaceHeight },
        1 => near with { Frame = frame, X = shape.Width + (0.8f * near.FaceHeight) },
        _ => near with { Frame = frame, Y = shape.Height + (0.8f * near.FaceHeight) },
    };

    /// <summary>
    /// The main photo (a come-back may return with another one), and every 2-5 s a turn away to another photo of the
    /// person for 0.5-2 s.
    /// </summary>
    private static List<PhotoSwitch> Photos(Random rng, int count, int first, int last, int fps, int index)
    {
        int main = index == 0 ? 0 : rng.Next(count);
        var switches = new List<PhotoSwitch> { new(first, main) };
        for (int t = first + rng.Next(fps, 3 * fps); t < last - fps; t += rng.Next(2 * fps, 5 * fps))
        {
            int other = (main + 1 + rng.Next(count - 1)) % count;
            int back = Math.Min(t + rng.Next(fps / 2, 2 * fps), last);
            switches.Add(new PhotoSwitch(t, other));
            switches.Add(new PhotoSwitch(back, main));
            t = back;
        }

        return switches;
    }

    private static float Between(Random rng, float low, float high) => low + ((float)rng.NextDouble() * (high - low));
}
