using ArcFaceKit.Search;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// Rank-k identification (MegaFace style): each probe is searched exactly among one photo per gallery identity plus
/// distractor photos of people who are not in the gallery; a probe without a face counts as a miss.
/// </summary>
public static class IdentificationProtocol
{
    public static IdentificationReport Evaluate(IReadOnlyList<(string Identity, float[] Embedding)> gallery, IReadOnlyList<(string Identity, float[]? Embedding)> probes, IReadOnlyList<float[]> distractors)
    {
        if (gallery.Count == 0)
        {
            throw new ArgumentException("The gallery is empty.", nameof(gallery));
        }

        var index = new ExactFaceIndex(gallery[0].Embedding.Length);
        for (int i = 0; i < gallery.Count; i++)
        {
            index.Upsert(i, gallery[i].Embedding);
        }

        for (int i = 0; i < distractors.Count; i++)
        {
            index.Upsert(-1 - i, distractors[i]);    // negative ids: nobody's identity
        }

        int rank1 = 0, rank5 = 0, withoutFace = 0;
        foreach (var (identity, embedding) in probes)
        {
            if (embedding is null)
            {
                withoutFace++;
                continue;
            }

            var hits = index.Search(embedding, 5);
            int rank = hits.ToList().FindIndex(h => h.Id >= 0 && gallery[(int)h.Id].Identity == identity);
            rank1 += rank == 0 ? 1 : 0;
            rank5 += rank >= 0 ? 1 : 0;
        }

        return new IdentificationReport(probes.Count, gallery.Count, distractors.Count, (double)rank1 / probes.Count, (double)rank5 / probes.Count, withoutFace, 0);
    }
}
