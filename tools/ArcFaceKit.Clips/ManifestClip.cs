namespace ArcFaceKit.Clips;

/// <summary>A clip in the manifest: its files (video, ground truth, the names file `arcface eval video --truth-names` reads), seed, size, rate, length, degradations, background photo, people, and the ground truth's row counts.</summary>
internal sealed record ManifestClip(
    string Name, string Video, string GroundTruth, string Names, int Seed, int Width, int Height, int Fps, int Frames, double Seconds,
    ClipEffects Effects, string Background, IReadOnlyList<ManifestPerson> People, int Rows, int IgnoredRows);
