using System.Text.RegularExpressions;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Identification on LFW-named photos (Person_Name_0001.jpg): every person with two or more photos is a gallery
/// identity (their first photo) with the other photos as probes; people with a single photo are the distractors.
/// One report per distractor count (the first n distractors in name order), from one embedding pass.
/// </summary>
public static partial class LfwIdentification
{
    public static IReadOnlyList<IdentificationReport> Run(FacePipeline pipeline, IEnumerable<string> photos, IReadOnlyList<int> distractorCounts, IProgress<int>? progress = null)
    {
        var byPerson = photos.GroupBy(PersonOf).ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToList());
        var people = byPerson.Where(p => p.Value.Count >= 2).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var distractorPhotos = byPerson.Where(p => p.Value.Count == 1).OrderBy(p => p.Key, StringComparer.Ordinal).Take(distractorCounts.Max()).Select(p => p.Value[0]).ToList();
        var embeddings = ImageEmbeddings.Compute(pipeline, [.. people.SelectMany(p => p.Value), .. distractorPhotos], progress);

        var gallery = new List<(string, float[])>();
        var probes = new List<(string, float[]?)>();
        int noGalleryFace = 0;
        foreach (var (person, files) in people)
        {
            if (embeddings[files[0]] is not { } first)
            {
                noGalleryFace++;        // no gallery photo: this person's probes cannot be answered and are left out
                continue;
            }

            gallery.Add((person, first));
            probes.AddRange(files.Skip(1).Select(f => (person, embeddings[f])));
        }

        var distractors = distractorPhotos.Select(f => embeddings[f]).OfType<float[]>().ToList();
        return [.. distractorCounts.Select(n => IdentificationProtocol.Evaluate(gallery, probes, [.. distractors.Take(n)]) with { IdentitiesWithoutGalleryFace = noGalleryFace })];
    }

    /// <summary>The person of an LFW-named photo: "Abel_Pacheco_0004.jpg" is Abel_Pacheco.</summary>
    public static string PersonOf(string path) => NumberSuffix().Replace(Path.GetFileNameWithoutExtension(path), "");

    [GeneratedRegex("_[0-9]+$")]
    private static partial Regex NumberSuffix();
}
