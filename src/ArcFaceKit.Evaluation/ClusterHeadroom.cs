using System.Numerics.Tensors;
using ArcFaceKit.Clustering;

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
    /// <summary>The headroom of <paramref name="people"/> (found among <paramref name="embeddings"/>), each group with its own centroid.</summary>
    internal static ClusterHeadroom Measure(ClusteringResult people, IReadOnlyList<float[]> embeddings, IReadOnlyList<string> truth)
    {
        var labels = people.Labels(embeddings.Count);
        var main = people.People.ToDictionary(p => p.Id, p => p.Faces.GroupBy(i => truth[i], StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key);
        var home = people.People.GroupBy(p => main[p.Id], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Faces.Count).ThenBy(p => p.Id).First().Id, StringComparer.Ordinal);

        var bound = labels.Select(l => l >= 0 ? home[main[l]] : -1).ToArray();
        int lone = 0, nearestHome = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= 0)
            {
                continue;
            }

            lone++;
            if (people.People.Count == 0 || !home.TryGetValue(truth[i], out int own))
            {
                continue;
            }

            var face = embeddings[i];
            int nearest = people.People.MaxBy(p => TensorPrimitives.Dot(face, p.Centroid))!.Id;
            if (nearest == own)
            {
                nearestHome++;
                bound[i] = own;
            }
        }

        return new ClusterHeadroom(lone, nearestHome, ClusterMetrics.Measure(bound, truth));
    }
}
