namespace ArcFaceKit.Evaluation;

/// <summary>
/// Identification per track: each track is paired with the ground-truth person it follows on the most frames (per frame
/// one to one at IoU at least 0.5), then the name it ended with is compared with that person's. Tracks of enrolled people
/// are <see cref="Correct"/>, named as another subject (<see cref="WrongSubject"/>) or left unnamed or a visitor
/// (<see cref="LeftUnknown"/>); tracks of people not enrolled should never be named (<see cref="UnknownNamed"/>).
/// Tracks that follow nobody are <see cref="Unmatched"/>.
/// </summary>
public sealed record TrackIdentification(int EnrolledTracks, int Correct, int WrongSubject, int LeftUnknown, int UnknownTracks, int UnknownNamed, int Unmatched)
{
    public double CorrectRate => EnrolledTracks > 0 ? (double)Correct / EnrolledTracks : double.NaN;

    /// <summary>Several clips' counts together.</summary>
    public static TrackIdentification Sum(IReadOnlyList<TrackIdentification> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        return new TrackIdentification(
            clips.Sum(c => c.EnrolledTracks), clips.Sum(c => c.Correct), clips.Sum(c => c.WrongSubject), clips.Sum(c => c.LeftUnknown),
            clips.Sum(c => c.UnknownTracks), clips.Sum(c => c.UnknownNamed), clips.Sum(c => c.Unmatched));
    }

    /// <summary>
    /// <paramref name="truthSubjects"/>: each ground-truth id's enrolled subject, null for a person not enrolled;
    /// <paramref name="trackSubjects"/>: each track's subject at its end, null when unnamed or a visitor.
    /// </summary>
    public static TrackIdentification Measure(
        IReadOnlyList<MotRow> truth, IReadOnlyList<MotRow> tracks, IReadOnlyDictionary<int, string?> truthSubjects, IReadOnlyDictionary<int, string?> trackSubjects)
    {
        ArgumentNullException.ThrowIfNull(truthSubjects);
        ArgumentNullException.ThrowIfNull(trackSubjects);
        var following = TrackFollowing.Measure(truth, tracks);
        int enrolled = 0, correct = 0, wrong = 0, leftUnknown = 0, unknown = 0, unknownNamed = 0, unmatched = 0;
        foreach (var (track, followed) in following)
        {
            string? named = trackSubjects.GetValueOrDefault(track);
            if (followed is not { } person)
            {
                unmatched++;
            }
            else if (truthSubjects.GetValueOrDefault(person) is { } subject)
            {
                enrolled++;
                if (named is null)
                {
                    leftUnknown++;
                }
                else if (named == subject)
                {
                    correct++;
                }
                else
                {
                    wrong++;
                }
            }
            else
            {
                unknown++;
                unknownNamed += named is null ? 0 : 1;
            }
        }

        return new TrackIdentification(enrolled, correct, wrong, leftUnknown, unknown, unknownNamed, unmatched);
    }
}
