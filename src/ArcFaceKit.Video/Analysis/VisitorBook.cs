using ArcFaceKit.Matching;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Video;

/// <summary>
/// The unknown people of one analysis: each a template and an id ("visitor-1", ...). A track's template joins the most
/// similar visitor at or above the threshold, else starts one, so the same unknown person seen again keeps the same id.
/// A visitor on screen in another track now is never joined: one person is not in two places at once.
/// </summary>
internal sealed class VisitorBook(float threshold)
{
    private readonly List<(string Id, float[] Template, int Tracks)> _visitors = [];

    public int Count => _visitors.Count;

    /// <summary>The visitor this template is (joining it), or a new one.</summary>
    public string Assign(float[] template, IReadOnlySet<string> elsewhere)
    {
        int best = -1;
        float bestSimilarity = threshold;
        for (int i = 0; i < _visitors.Count; i++)
        {
            if (elsewhere.Contains(_visitors[i].Id))
            {
                continue;
            }

            float similarity = CosineSimilarity.Between(_visitors[i].Template, template);
            if (similarity >= bestSimilarity)
            {
                (best, bestSimilarity) = (i, similarity);
            }
        }

        if (best < 0)
        {
            _visitors.Add(($"visitor-{_visitors.Count + 1}", [.. template], 1));
            return _visitors[^1].Id;
        }

        var (id, kept, tracks) = _visitors[best];
        var merged = new float[kept.Length];
        for (int i = 0; i < merged.Length; i++)
        {
            merged[i] = (kept[i] * tracks) + template[i];
        }

        Embeddings.Normalize(merged);
        _visitors[best] = (id, merged, tracks + 1);
        return id;
    }
}
