using ArcFaceKit.Search;
using ArcFaceKit.Gallery;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Rank-k identification (MegaFace style): each probe is searched among the gallery identities (one or more photos
/// each, scored by the gallery's own 1:N rule) plus distractors (one photo each of people not in the gallery); a probe
/// without a face counts as a miss.
/// </summary>
public static class IdentificationProtocol
{
    private const string DistractorPrefix = "\u0001distractor-";

    public static IdentificationReport Evaluate(IReadOnlyList<(string Identity, float[] Embedding)> gallery, IReadOnlyList<(string Identity, float[]? Embedding)> probes,
        IReadOnlyList<float[]> distractors, SubjectScoring scoring) =>
        Evaluate([.. gallery.Select(g => (g.Identity, (IReadOnlyList<float[]>)[g.Embedding]))], probes, distractors, scoring);

    public static IdentificationReport Evaluate(IReadOnlyList<(string Identity, IReadOnlyList<float[]> Faces)> gallery, IReadOnlyList<(string Identity, float[]? Embedding)> probes,
        IReadOnlyList<float[]> distractors, SubjectScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(distractors);
        if (gallery.Count == 0)
        {
            throw new ArgumentException("The gallery is empty.", nameof(gallery));
        }

        using var index = new MemorySubjectIndex(gallery[0].Faces[0].Length, new GalleryIndexOptions { ApproximateFrom = 0 });   // evaluation is exact
        long faceId = 0;
        for (int i = 0; i < gallery.Count; i++)
        {
            index.Set(i, gallery[i].Identity, [.. gallery[i].Faces.Select(f => (faceId++, f))]);
        }

        for (int i = 0; i < distractors.Count; i++)
        {
            index.Set(gallery.Count + i, DistractorPrefix + i, [(faceId++, distractors[i])]);
        }

        int rank1 = 0, rank5 = 0, withoutFace = 0;
        foreach (var (identity, embedding) in probes)
        {
            if (embedding is null)
            {
                withoutFace++;
                continue;
            }

            var hits = index.TopAsync(embedding, 5, scoring).GetAwaiter().GetResult();
            int rank = hits.ToList().FindIndex(h => h.Subject == identity);
            rank1 += rank == 0 ? 1 : 0;
            rank5 += rank >= 0 ? 1 : 0;
        }

        return new IdentificationReport(probes.Count, gallery.Count, distractors.Count, (double)rank1 / probes.Count, (double)rank5 / probes.Count, withoutFace, 0);
    }
}
