using System.Text.RegularExpressions;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Identification on labelled photos (LFW's are labelled by their names, Person_Name_0001.jpg; others by a list):
/// every person with more than <c>galleryPhotos</c> photos is a gallery identity (their first photos, in name order)
/// with the other photos as probes; people with a single photo are the distractors. One report per distractor count
/// (the first n distractors in name order), from one embedding pass.
/// </summary>
public static partial class LfwIdentification
{
    public static Task<IReadOnlyList<IdentificationReport>> RunAsync(FacePipeline pipeline, IEnumerable<string> photos, IReadOnlyList<int> distractorCounts) =>
        RunAsync(pipeline, [.. photos.Select(p => (p, PersonOf(p)))], distractorCounts);

    public static async Task<IReadOnlyList<IdentificationReport>> RunAsync(FacePipeline pipeline, IReadOnlyList<(string Path, string Person)> photos, IReadOnlyList<int> distractorCounts,
        IProgress<int>? progress = null, int galleryPhotos = 1, SubjectScoring scoring = SubjectScorings.Default, CancellationToken cancellationToken = default)
    {
        var embeddings = await ImageEmbeddings.ComputeAsync(pipeline, PhotosUsed(photos, distractorCounts, galleryPhotos), progress, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Run(embeddings, photos, distractorCounts, galleryPhotos, scoring);
    }

    /// <summary>The photos the protocol embeds: those of the gallery people and the distractors it can use, no others.</summary>
    public static IReadOnlyList<string> PhotosUsed(IReadOnlyList<(string Path, string Person)> photos, IReadOnlyList<int> distractorCounts, int galleryPhotos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        var (people, distractorPhotos) = Split(photos, distractorCounts, galleryPhotos);
        return [.. people.SelectMany(p => p.Files), .. distractorPhotos];
    }

    /// <summary>Labelled photos from a list of 'FILE PERSON' lines (CelebA's identities.txt; a header 'image identity' is skipped).</summary>
    public static IReadOnlyList<(string Path, string Person)> ReadLabels(string labelsFile, string imagesDirectory) =>
        [.. File.ReadLines(labelsFile).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && f[0] != "image").Select(f => (Path.Combine(imagesDirectory, f[0]), f[1]))];

    /// <summary>The photos of a folder with their people: from a labels file when given, else from LFW-style file names (Person_Name_0001.jpg), in ordinal order.</summary>
    public static IReadOnlyList<(string Path, string Person)> LabelledPhotos(string imagesDirectory, string? labelsFile) =>
        labelsFile is not null
            ? ReadLabels(labelsFile, imagesDirectory)
            : [.. Directory.EnumerateFiles(imagesDirectory, "*.jpg").Order(StringComparer.Ordinal).Select(p => (p, PersonOf(p)))];

    /// <summary>
    /// The photos left once the lowest-rated <paramref name="fraction"/> of the gallery people's photos (their gallery and
    /// probe photos, not the distractors) is rejected, ranked by <paramref name="quality"/> (photos without a face first).
    /// </summary>
    public static IReadOnlyList<(string Path, string Person)> RejectLowest(IReadOnlyList<(string Path, string Person)> photos, IReadOnlyDictionary<string, float> quality, double fraction, IReadOnlyList<int> distractorCounts, int galleryPhotos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(quality);
        var (people, _) = Split(photos, distractorCounts, galleryPhotos);
        var candidates = people.SelectMany(p => p.Files).ToList();
        var rejected = candidates.OrderBy(f => quality.GetValueOrDefault(f, float.NegativeInfinity)).ThenBy(f => f, StringComparer.Ordinal)
            .Take((int)Math.Round(candidates.Count * fraction)).ToHashSet(StringComparer.Ordinal);
        return [.. photos.Where(p => !rejected.Contains(p.Path))];
    }

    /// <summary>The protocol on embeddings already computed (one per photo path, null without a face): several scorings from one pass.</summary>
    public static IReadOnlyList<IdentificationReport> Run(IReadOnlyDictionary<string, float[]?> embeddings, IReadOnlyList<(string Path, string Person)> photos,
        IReadOnlyList<int> distractorCounts, int galleryPhotos, SubjectScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var (people, distractorPhotos) = Split(photos, distractorCounts, galleryPhotos);
        var gallery = new List<(string, IReadOnlyList<float[]>)>();
        var probes = new List<(string, float[]?)>();
        int noGalleryFace = 0;
        foreach (var (person, files) in people)
        {
            var faces = files.Take(galleryPhotos).Select(f => embeddings[f]).OfType<float[]>().ToList();
            if (faces.Count == 0)
            {
                noGalleryFace++;        // no gallery face: this person's probes cannot be answered and are left out
                continue;
            }

            gallery.Add((person, faces));
            probes.AddRange(files.Skip(galleryPhotos).Select(f => (person, embeddings[f])));
        }

        var distractors = distractorPhotos.Select(f => embeddings[f]).OfType<float[]>().ToList();
        return [.. distractorCounts.Select(n => IdentificationProtocol.Evaluate(gallery, probes, [.. distractors.Take(n)], scoring) with { IdentitiesWithoutGalleryFace = noGalleryFace })];
    }

    /// <summary>Gallery people (more than N photos, in name order) and the distractor photos (people with one photo, the first max-count of them).</summary>
    private static (List<(string Person, List<string> Files)> People, List<string> Distractors) Split(IReadOnlyList<(string Path, string Person)> photos, IReadOnlyList<int> distractorCounts, int galleryPhotos)
    {
        ArgumentNullException.ThrowIfNull(distractorCounts);
        ArgumentOutOfRangeException.ThrowIfLessThan(galleryPhotos, 1);
        var byPerson = photos.GroupBy(p => p.Person).ToDictionary(g => g.Key, g => g.Select(p => p.Path).Order(StringComparer.Ordinal).ToList());
        var people = byPerson.Where(p => p.Value.Count > galleryPhotos).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).ToList();
        var distractors = byPerson.Where(p => p.Value.Count == 1).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Take(distractorCounts.DefaultIfEmpty(0).Max()).Select(p => p.Value[0]).ToList();
        return (people, distractors);
    }

    /// <summary>The person of an LFW-named photo: "Abel_Pacheco_0004.jpg" is Abel_Pacheco.</summary>
    public static string PersonOf(string path) => NumberSuffix().Replace(Path.GetFileNameWithoutExtension(path), "");

    [GeneratedRegex("_[0-9]+$")]
    private static partial Regex NumberSuffix();
}
