namespace ArcFaceKit.Evaluation;

/// <summary>
/// Time to identification: for each enrolled person of a clip, how long after their face is first counted in the ground
/// truth at least <c>minFaceSize</c> on its short side (the size below which the analysis names nobody) a track
/// following them is first named as them, in seconds of video. People never named so are counted apart.
/// </summary>
public sealed record IdentificationDelays(IReadOnlyList<double> Seconds, int NeverNamed)
{
    /// <summary>The median delay; NaN when nobody was named.</summary>
    public double Median
    {
        get
        {
            var sorted = Seconds.Order().ToList();
            return sorted.Count == 0 ? double.NaN
                : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
                : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    /// <summary>Several clips' delays together.</summary>
    public static IdentificationDelays Sum(IReadOnlyList<IdentificationDelays> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        return new IdentificationDelays([.. clips.SelectMany(c => c.Seconds)], clips.Sum(c => c.NeverNamed));
    }

    /// <summary>
    /// <paramref name="truthSubjects"/>: each ground-truth id's enrolled subject, null for a person not enrolled;
    /// <paramref name="namings"/>: when tracks were named as subjects; ground-truth frame N (from 1) is at (N - 1) / fps.
    /// </summary>
    public static IdentificationDelays Measure(
        IReadOnlyList<MotRow> truth, IReadOnlyList<MotRow> tracks, IReadOnlyDictionary<int, string?> truthSubjects,
        IReadOnlyList<TrackNaming> namings, double framesPerSecond, float minFaceSize)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(truthSubjects);
        ArgumentNullException.ThrowIfNull(namings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSecond);
        var following = TrackFollowing.Measure(truth, tracks);
        var seconds = new List<double>();
        int never = 0;
        foreach (var person in truth.Where(r => !r.Ignored && MathF.Min(r.Box.Width, r.Box.Height) >= minFaceSize).GroupBy(r => r.Id))
        {
            if (truthSubjects.GetValueOrDefault(person.Key) is not { } subject)
            {
                continue;
            }

            double appears = (person.Min(r => r.Frame) - 1) / framesPerSecond;
            var named = namings.Where(n => n.Subject == subject && following.GetValueOrDefault(n.TrackId) == person.Key).Select(n => n.At.TotalSeconds).ToList();
            if (named.Count == 0)
            {
                never++;
            }
            else
            {
                seconds.Add(Math.Max(0, named.Min() - appears));
            }
        }

        return new IdentificationDelays(seconds, never);
    }
}
