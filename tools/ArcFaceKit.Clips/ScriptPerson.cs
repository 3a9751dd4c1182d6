namespace ArcFaceKit.Clips;

/// <summary>
/// A person of a clip: track id (1 up, the ground truth's id), who it is, the photos the clip shows (index 0 the main
/// one), and the appearances. <paramref name="Cast"/> says who it is and which of its photos stay out of every clip.
/// </summary>
internal sealed record ScriptPerson(int Track, CastMember Cast, IReadOnlyList<Appearance> Appearances)
{
    public IReadOnlyList<StillFace> Photos => Cast.Photos;

    public Appearance? AppearanceAt(int frame) => Appearances.FirstOrDefault(a => a.Covers(frame));
}
