namespace ArcFaceKit.Clips;

/// <summary>
/// A person chosen for a clip: the identity, the photos the clip shows (index 0 the main one), the identity's other
/// photos with a face (<paramref name="Enrol"/>: in no clip, for a later evaluation's gallery), those where the detector
/// found no face (skipped), and whether a later evaluation is meant to enrol this person or keep it unknown.
/// </summary>
internal sealed record CastMember(DatasetPerson Identity, IReadOnlyList<StillFace> Photos, IReadOnlyList<string> Enrol, IReadOnlyList<string> NoFace, bool Enrolled);
