using ArcFaceKit.Clustering;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Tests;

/// <summary>Clustering real LFW faces into people: right people, incremental equal to at once, deterministic; metrics and DBSCAN on hand-made cases.</summary>
public class ClusteringTests
{
    private static readonly string[] People = ["Tommy_Thompson", "Tom_Ridge", "Sergey_Lavrov", "Norah_Jones", "Muhammad_Ali", "Lleyton_Hewitt"];

    // People with one photo in View 2: each should stay alone.
    private static readonly string[] Singles = ["Abel_Pacheco_0001.jpg", "Dean_Barker_0001.jpg", "Giancarlo_Fisichella_0001.jpg", "Portia_de_Rossi_0001.jpg", "Abdel_Madi_Shabneh_0001.jpg"];

    private static readonly Lazy<(float[][] Embeddings, float[] Quality, string[] Truth)> Faces = new(() => EmbedAsync().GetAwaiter().GetResult());

    [Fact]
    public void Real_faces_fall_into_their_people()
    {
        var (embeddings, quality, truth) = Faces.Value;
        var result = FaceClusterer.Cluster(embeddings, quality, Threshold, new ClusteringOptions { MinFaces = 2 });
        var metrics = ClusterMetrics.Measure(result.Labels(embeddings.Length), truth);
        Assert.True(metrics.BCubedF1 > 0.95, $"BCubed F1 {metrics.BCubedF1:F3}, clusters {metrics.Clusters}");
        Assert.Equal(People.Length, result.People.Count);
        Assert.All(result.People, p => Assert.Contains(p.Representative, p.Faces));
        Assert.All(result.People, p => Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(p.Centroid), 3));

        // Largest first, and the singles are noise at a minimum of 2.
        Assert.True(result.People.Zip(result.People.Skip(1)).All(x => x.First.Faces.Count >= x.Second.Faces.Count));
        Assert.Superset(Enumerable.Range(embeddings.Length - Singles.Length, Singles.Length).ToHashSet(), result.Noise.ToHashSet());
    }

    [Fact]
    public void Adding_a_collection_in_two_parts_finds_the_same_people_as_at_once()
    {
        var (embeddings, quality, _) = Faces.Value;
        var once = FaceClusterer.Cluster(embeddings, quality, Threshold, new ClusteringOptions { MinFaces = 1 }).Labels(embeddings.Length);

        // Every other face first, the rest later, as a library that gets its photos over time.
        int[] first = [.. Enumerable.Range(0, embeddings.Length).Where(i => i % 2 == 0)], second = [.. Enumerable.Range(0, embeddings.Length).Where(i => i % 2 == 1)];
        var clusterer = new FaceClusterer(embeddings[0].Length, Threshold);
        clusterer.Add([.. first.Select(i => embeddings[i])], [.. first.Select(i => quality[i])]);
        var joined = clusterer.Add([.. second.Select(i => embeddings[i])], [.. second.Select(i => quality[i])]);
        Assert.Equal(second.Length, joined.Length);
        clusterer.Refine();
        var parts = clusterer.Result(1).Labels(embeddings.Length);

        // Faces were numbered in the order added: map back to the original order.
        var incremental = new int[embeddings.Length];
        int[] order = [.. first, .. second];
        for (int k = 0; k < order.Length; k++)
        {
            incremental[order[k]] = parts[k];
        }

        // Tolerance: the two partitions agree on at least 98% of face pairs put together (pairwise F1 of one against the other).
        var agreement = ClusterMetrics.Measure(incremental, [.. once.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.True(agreement.PairwiseF1 >= 0.98, $"pairwise F1 between the two {agreement.PairwiseF1:F3}");
    }

    [Fact]
    public void The_same_faces_give_the_same_people()
    {
        var (embeddings, quality, _) = Faces.Value;
        var a = FaceClusterer.Cluster(embeddings, quality, Threshold);
        var b = FaceClusterer.Cluster(embeddings, quality, Threshold);
        Assert.Equal(a.Labels(embeddings.Length), b.Labels(embeddings.Length));
        Assert.Equal(a.People.Select(p => p.Representative), b.People.Select(p => p.Representative));
    }

    [Fact]
    public void A_wrong_dimension_is_refused_before_anything_is_added()
    {
        var clusterer = new FaceClusterer(128, 0.5f);
        var e = Assert.Throws<ArgumentException>(() => clusterer.Add([Unit(128, 0), Unit(512, 1)]));
        Assert.Contains("128-d", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, clusterer.FaceCount);
    }

    [Fact]
    public void Metrics_match_counts_by_hand()
    {
        // Clusters {0,1} and {2,3,4}; face 5 is noise. Truth: a a a b b c.
        var m = ClusterMetrics.Measure([0, 0, 1, 1, 1, -1], ["a", "a", "a", "b", "b", "c"]);
        Assert.Equal(0.5, m.PairwisePrecision, 6);   // 2 of 4 pairs put together belong together
        Assert.Equal(0.5, m.PairwiseRecall, 6);      // 2 of 4 pairs that belong together
        Assert.Equal(14.0 / 18, m.BCubedPrecision, 6);
        Assert.Equal(14.0 / 18, m.BCubedRecall, 6);
        Assert.Equal((2, 3, 6), (m.Clusters, m.People, m.Faces));
        Assert.Equal(1.0 / 6, m.NoiseShare, 6);
    }

    [Fact]
    public void Headroom_merges_each_persons_groups_and_joins_only_lone_faces_nearest_their_own_home()
    {
        // Groups 0 and 1 are both a's (0 the larger: a's home), group 2 is b's. Lone faces: an a nearest group 0
        // (joins), a b nearest group 0 too (stays alone: not its home), a c (no group at all).
        float[][] faces = [Direction(0), Direction(0.1f), Direction(1), Direction(2), Direction(2.1f), Direction(0.3f), Direction(0.5f), Direction(3)];
        string[] truth = ["a", "a", "a", "b", "b", "a", "b", "c"];
        PersonCluster Group(int id, int[] members) =>
            new(id, members, members[0], Gallery.Templates.Mean(members.Select(i => faces[i]), 2));
        var headroom = ClusterHeadroom.Measure(new ClusteringResult([Group(0, [0, 1]), Group(2, [3, 4]), Group(1, [2])], [5, 6, 7]), faces, truth);
        Assert.Equal((3, 1), (headroom.LoneFaces, headroom.LoneNearestHome));
        Assert.Equal(ClusterMetrics.Measure([0, 0, 0, 2, 2, 0, -1, -1], truth), headroom.Bound);
    }

    [Fact]
    public void Dbscan_links_core_faces_and_leaves_sparse_ones_as_noise()
    {
        // Three close vectors (a core group), one within reach of only one of them, one far away.
        float[][] points = [Direction(0), Direction(0.1f), Direction(0.2f), Direction(0.75f), Direction(2.5f)];
        var labels = Dbscan.Run(points, MathF.Cos(0.6f), 3);
        Assert.Equal([0, 0, 0, 0, -1], labels);
        Assert.Equal([-1, -1, -1, -1, -1], Dbscan.Run(points, MathF.Cos(0.6f), 5));
    }

    private static float Threshold => ClusteringDefaults.ThresholdFor(Shared.MobileFaceNet.Manifest);

    private static float[] Unit(int dimension, int axis)
    {
        var v = new float[dimension];
        v[axis] = 1;
        return v;
    }

    private static float[] Direction(float angle) => [MathF.Cos(angle), MathF.Sin(angle)];

    private static async Task<(float[][], float[], string[])> EmbedAsync()
    {
        var files = People.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Shared.Lfw, "images"), p + "_*.jpg").Order(StringComparer.Ordinal)).Concat(Singles.Select(Shared.LfwImage)).ToList();
        using var service = Shared.OpenPipeline();
        var rated = await ImageEmbeddings.ComputeRatedAsync(service, files);
        Assert.All(files, f => Assert.NotNull(rated[f]));
        return ([.. files.Select(f => rated[f]!.Embedding)], [.. files.Select(f => rated[f]!.Quality.Score)], [.. files.Select(LfwIdentification.PersonOf)]);
    }
}
