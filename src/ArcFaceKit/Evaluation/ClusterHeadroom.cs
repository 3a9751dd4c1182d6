using System.Numerics.Tensors;
using ArcFaceKit.Gallery;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// How far a clustering could go by mending its people afterwards, read from the labels. Each true person's home is
/// the largest group in which it is the main person. The bound's labelling: every group joins the home of its main
/// person (all merges made, none wrong), and a face left alone joins its nearest group (by centroid) exactly when that
/// group is its home (every right attachment made, no wrong one). A rule that attaches lone faces to their nearest
/// person and merges groups, without labels, cannot score above it; more needs purer groups or better embeddings.
/// </summary>
/// <param name="LoneFaces">Faces in no group.</param>
/// <param name="LoneNearestHome">Lone faces whose nearest group is their own person's home.</param>
/// <param name="Bound">The scores of the bound's labelling.</param>
public sealed record ClusterHeadroom(int LoneFaces, int LoneNearestHome, ClusterMetrics Bound)
{
    /// <summary><paramref name="labels"/>: each face's group, -1 alone; centroids are the normalised means of the groups' faces.</summary>
    internal static ClusterHeadroom Measure(IReadOnlyList<int> labels, IReadOnlyList<float[]> embeddings, IReadOnlyList<string> truth)
    {
        var groups = Enumerable.Range(0, labels.Count).Where(i => labels[i] >= 0).GroupBy(i => labels[i]).ToList();
        var main = groups.ToDictionary(g => g.Key, g => g.GroupBy(i => truth[i], StringComparer.Ordinal).OrderByDescending(p => p.Count()).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key);
        var home = groups.GroupBy(g => main[g.Key], StringComparer.Ordinal)
            .ToDictionary(p => p.Key, p => p.OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key, StringComparer.Ordinal);
        var centroids = groups.Select(g => (g.Key, Centroid: Templates.Mean(g.Select(i => embeddings[i]), embeddings[0].Length))).ToList();

        var bound = labels.Select(l => l >= 0 ? home[main[l]] : -1).ToArray();
        int lone = 0, nearestHome = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] >= 0)
            {
                continue;
            }

            lone++;
            if (centroids.Count == 0 || !home.TryGetValue(truth[i], out int own))
            {
                continue;
            }

            var face = embeddings[i];
            int nearest = centroids.MaxBy(c => TensorPrimitives.Dot(face, c.Centroid)).Key;
            if (nearest == own)
            {
                nearestHome++;
                bound[i] = own;
            }
        }

        return new ClusterHeadroom(lone, nearestHome, ClusterMetrics.Measure(bound, truth));
    }
}
