using ArcFaceKit.Detection;

namespace ArcFaceKit.Clips;

/// <summary>
/// A set of clips from one seed: the shapes (most clips 640x360 or 1280x720, every sixth 1920x1080; mostly 6-12 s,
/// some 12-20 s, the 1080p ones 6-8 s; 1-6 people, each count once in every six clips), the people (drawn without
/// repeats from the dataset, each with its clip photos and enrol photos), and each clip's script with its own seed
/// (seed * 1000 + clip number). Same seed, same detector: same set.
/// </summary>
internal static class ClipSetPlanner
{
    public const int Fps = 25;

    /// <summary>Backgrounds tried for a clip before giving up (one in which the detector finds a face is not used).</summary>
    private const int BackgroundTries = 20;

    public static IReadOnlyList<(ClipShape Shape, int People)> Shapes(int count, int seed)
    {
        var rng = new Random(seed);
        var shapes = new List<(ClipShape, int)>();
        int[] block = [];
        for (int i = 0; i < count; i++)
        {
            if (i % 6 == 0)
            {
                block = [1, 2, 3, 4, 5, 6];
                rng.Shuffle(block);
            }

            bool full = i % 6 == 5;
            var (w, h) = full ? (1920, 1080) : rng.NextDouble() < 0.5 ? (640, 360) : (1280, 720);
            double seconds = full ? 6 + (2 * rng.NextDouble()) : rng.NextDouble() < 0.15 ? 12 + (8 * rng.NextDouble()) : 6 + (6 * rng.NextDouble());
            int clipSeed = checked((seed * 1000) + i + 1);
            shapes.Add((new ClipShape($"clip{i + 1:D2}", clipSeed, w, h, Fps, (int)Math.Round(seconds * Fps)), block[i % 6]));
        }

        return shapes;
    }

    public static IReadOnlyList<ClipScript> Plan(int count, int seed, IReadOnlyList<DatasetPerson> candidates, StillFaces stills, IFaceDetector detector)
    {
        var shapes = Shapes(count, seed);
        var rng = new Random(seed);
        var order = candidates.ToArray();
        rng.Shuffle(order);
        int next = 0, cast = 0;
        var casts = new List<List<CastMember>>();
        foreach (var (_, people) in shapes)
        {
            var members = new List<CastMember>();
            while (members.Count < people)
            {
                if (next >= order.Length)
                {
                    throw new InvalidOperationException($"The dataset has too few people with {FaceDatasets.MinPhotos} photos with a face for {count} clips.");
                }

                if (Member(order[next++], stills, rng, cast) is { } member)
                {
                    members.Add(member);
                    cast++;
                }
            }

            casts.Add(members);
        }

        // Backgrounds come from people no clip shows.
        string[] pool = [.. order.Skip(next).SelectMany(p => p.Photos)];
        var scripts = new List<ClipScript>();
        for (int i = 0; i < shapes.Count; i++)
        {
            var script = ClipScripter.Write(shapes[i].Shape, casts[i], pool);
            scripts.Add(script with { Background = FaceFree(script, pool, detector) });
        }

        return scripts;
    }

    /// <summary>
    /// A person with at least four photos with a face: three in the clip (two when it has four or five), the rest to
    /// enrol. Every third person of the set is meant to stay unknown (about two thirds enrolled).
    /// </summary>
    public static CastMember? Member(DatasetPerson person, StillFaces stills, Random rng, int index)
    {
        var faces = person.Photos.Select(p => (Path: p, Still: stills.Of(p))).ToList();
        var withFace = faces.Where(f => f.Still is not null).ToArray();
        if (withFace.Length < FaceDatasets.MinPhotos)
        {
            return null;
        }

        rng.Shuffle(withFace);
        int inClip = withFace.Length >= 6 ? 3 : 2;
        var photos = withFace.Take(inClip).Select(f => f.Still!).ToArray();
        var enrol = withFace.Skip(inClip).Select(f => f.Path).Order(StringComparer.Ordinal).ToArray();
        var noFace = faces.Where(f => f.Still is null).Select(f => f.Path).ToArray();
        return new CastMember(person, photos, enrol, noFace, index % 3 != 2);
    }

    public static BackgroundPlan FaceFree(ClipScript script, string[] pool, IFaceDetector detector)
    {
        var plan = script.Background;
        for (int attempt = 1; attempt <= BackgroundTries; attempt++)
        {
            if (detector.Detect(Backgrounds.FirstFrame(plan, script.Width, script.Height, script.Frames)).Count == 0)
            {
                return plan;
            }

            plan = ClipScripter.Background(new Random(unchecked((script.Seed * 31) + attempt)), pool);
        }

        throw new InvalidOperationException($"{script.Name}: no background without a face in {BackgroundTries} tries.");
    }
}
