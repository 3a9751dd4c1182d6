namespace ArcFaceKit.Clips;

/// <summary>
/// A person of a clip in the manifest: track id (the ground truth's id), dataset and identity, the photos the clip
/// shows, the identity's photos in no clip (to enrol), those the detector found no face in, whether the person is meant
/// to be enrolled, and the frame ranges (from 1) it is in the clip. Paths are relative to ../shared.
/// </summary>
internal sealed record ManifestPerson(int Track, string Dataset, string Identity, bool Enrolled, IReadOnlyList<string> Photos, IReadOnlyList<string> Enrol, IReadOnlyList<string> NoFace, IReadOnlyList<int[]> Appearances);
