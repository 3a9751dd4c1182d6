using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Clustering;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Evaluation;

/// <summary>One clustering method's scores on a labelled set, its settings and its time.</summary>
public sealed record ClusterEvaluationRow(string Method, string Settings, ClusterMetrics Metrics, double Seconds);

/// <summary>The clusterings compared on one set of photos: ours, then the photo-library baselines on the same embeddings; and how far mending ours afterwards could go.</summary>
public sealed record ClusterEvaluationResult(IReadOnlyList<ClusterEvaluationRow> Rows, ClusterHeadroom Headroom, int Photos, IReadOnlyList<string> PhotosWithoutFace, float Threshold);

/// <summary>
/// Clusters labelled photos (one face each: the one nearest the centre) and scores the people found against the labels,
/// beside DBSCAN as two photo libraries configure it: Immich (cosine distance 0.5, at least 3 faces) and PhotoPrism
/// (Euclidean distance 0.64 between unit vectors, that is cosine similarity 0.7952, core 4).
/// </summary>
public static class ClusterEvaluation
{
    public const float ImmichMinSimilarity = 0.5f;

    public const int ImmichMinFaces = 3;

    /// <summary>Euclidean 0.64 between unit vectors: cos = 1 - d^2 / 2.</summary>
    public const float PhotoPrismMinSimilarity = 1 - (0.64f * 0.64f / 2);

    public const int PhotoPrismCore = 4;

    /// <summary>Our clustering at <paramref name="threshold"/> (null: the embedder's default) beside the baselines.</summary>
    public static async Task<ClusterEvaluationResult> RunAsync(FacePipeline pipeline, IReadOnlyList<(string Path, string Person)> photos, float? threshold, ClusteringOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(options);
        var rated = await ImageEmbeddings.ComputeRatedAsync(pipeline, [.. photos.Select(p => p.Path)], progress, cancellationToken: cancellationToken).ConfigureAwait(false);
        var found = photos.Where(p => rated[p.Path] is not null).ToList();
        float used = ClusteringDefaults.ThresholdFor(((IModelInfo)pipeline.Embedder).Manifest, threshold);
        var (rows, headroom) = Compare([.. found.Select(p => rated[p.Path]!.Embedding)], [.. found.Select(p => rated[p.Path]!.Quality.Score)], [.. found.Select(p => p.Person)], used, options);
        return new ClusterEvaluationResult(rows, headroom, photos.Count, [.. photos.Where(p => rated[p.Path] is null).Select(p => p.Path)], used);
    }

    /// <summary>The methods on given embeddings, ours at <paramref name="threshold"/>, and the headroom of ours.</summary>
    private static (IReadOnlyList<ClusterEvaluationRow> Rows, ClusterHeadroom Headroom) Compare(IReadOnlyList<float[]> embeddings, IReadOnlyList<float> quality, IReadOnlyList<string> truth, float threshold, ClusteringOptions options)
    {
        ClusteringResult? ours = null;
        IReadOnlyList<ClusterEvaluationRow> rows =
        [
            Timed("ours", string.Create(CultureInfo.InvariantCulture, $"centroids, threshold {threshold:0.###}, min {options.MinFaces} faces"), truth, () => (ours = FaceClusterer.Cluster(embeddings, quality, threshold, options)).Labels(embeddings.Count)),
            Timed("DBSCAN (Immich)", $"Immich's defaults: cosine distance 0.5, min {ImmichMinFaces} faces", truth, () => Dbscan.Run(embeddings, ImmichMinSimilarity, ImmichMinFaces)),
            Timed("DBSCAN (PhotoPrism)", $"PhotoPrism's defaults: Euclidean distance 0.64, core {PhotoPrismCore}", truth, () => Dbscan.Run(embeddings, PhotoPrismMinSimilarity, PhotoPrismCore)),
        ];
        return (rows, ClusterHeadroom.Measure(ours!, embeddings, truth));
    }

    private static ClusterEvaluationRow Timed(string method, string settings, IReadOnlyList<string> truth, Func<int[]> cluster)
    {
        var watch = Stopwatch.StartNew();
        var labels = cluster();
        return new ClusterEvaluationRow(method, settings, ClusterMetrics.Measure(labels, truth), watch.Elapsed.TotalSeconds);
    }
}
