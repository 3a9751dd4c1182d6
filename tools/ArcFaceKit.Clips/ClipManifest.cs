using System.Text.Json;
using System.Text.Json.Serialization;

namespace ArcFaceKit.Clips;

/// <summary>
/// manifest.json of a clip set: the set's seed, dataset and detector, how the ground truth is defined, and every clip.
/// Written last, after every clip, so a manifest names only clips that are complete.
/// </summary>
internal sealed record ClipManifest(int Seed, string People, string Detector, string GroundTruth, IReadOnlyList<ManifestClip> Clips)
{
    public const string GroundTruthRule =
        "MOTChallenge text: frame (from 1), track id (person index from 1), box, confidence (0: ignored), class 1, visibility. " +
        "A box is the detector's largest face on the clean still photo, mapped into the clip the way its sprite is drawn; visibility is the " +
        "fraction of it inside the frame and not hidden by sprites drawn in front (their masks where at least half opaque); " +
        "rows under 0.5 visible have confidence 0, as MOT17.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static ManifestClip Clip(ClipScript script, string sharedRoot, int rows, int ignored) => new(
        script.Name, script.Name + ".mp4", script.Name + ".gt.txt", script.Name + ".names.txt", script.Seed, script.Width, script.Height, script.Fps, script.Frames,
        Math.Round(script.Seconds, 2), script.Effects, Relative(sharedRoot, script.Background.Photo),
        [.. script.People.Select(p => new ManifestPerson(
            p.Track, p.Cast.Identity.Dataset, p.Cast.Identity.Identity, p.Cast.Enrolled,
            [.. p.Photos.Select(s => Relative(sharedRoot, s.Path))], [.. p.Cast.Enrol.Select(e => Relative(sharedRoot, e))],
            [.. p.Cast.NoFace.Select(e => Relative(sharedRoot, e))], [.. p.Appearances.Select(a => new[] { a.First + 1, a.Last + 1 })]))],
        rows, ignored);

    /// <summary>
    /// Lines "TRACK SUBJECT" for `arcface eval video --truth-names`: the identity of a person meant to be enrolled
    /// (LFW's name, CelebA's number), "-" for one meant to stay unknown.
    /// </summary>
    public static IEnumerable<string> Names(ClipScript script) =>
        script.People.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Track} {(p.Cast.Enrolled ? p.Cast.Identity.Identity : "-")}"));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Write(string path)
    {
        string partial = path + ".partial";
        File.WriteAllText(partial, ToJson() + "\n");
        File.Move(partial, path, overwrite: true);
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
