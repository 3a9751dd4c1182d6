using System.Diagnostics;
using ArcFaceKit.Imaging;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Benchmarks;

/// <summary>What the HNSW index gives up against exact search on one gallery: recall@k and query times, medians.</summary>
public sealed record HnswRecallReport(int Faces, int Probes, int K, int EfSearch, double Recall, double ExactMedianMs, double HnswMedianMs, double IndexBuildSeconds)
{
    public override string ToString() =>
        $"{Faces} faces, {Probes} probes, ef_search {EfSearch}: recall@{K} {Recall:P2}; median query exact {ExactMedianMs:F1} ms, " +
        $"HNSW {HnswMedianMs:F1} ms ({ExactMedianMs / HnswMedianMs:F1}x); index build {IndexBuildSeconds:F1} s";
}

/// <summary>
/// Fills a fresh PostgreSQL schema with real face embeddings (every face of the given photos), builds the HNSW index
/// and compares its top-k with the exact top-k for probe faces taken from the gallery itself.
/// </summary>
public static class HnswRecall
{
    public static HnswRecallReport Measure(FaceAnalyzer faces, PostgresOptions target, IEnumerable<string> photos, int maxFaces, int probes, int k, Action<string>? log = null)
    {
        var exact = PostgresStore.Open(target with { Hnsw = false }, faces.Pipeline.Embedder.Identity);
        try
        {
            var batch = new List<NewFace>();
            int stored = 0;
            var probeVectors = new List<float[]>();
            foreach (var path in photos)
            {
                var image = ImageDecoder.DecodeFile(path);
                foreach (var face in faces.Analyze(image))
                {
                    batch.Add(new NewFace(face.Embedding, []));
                    if (probeVectors.Count < probes && stored % 7 == 0)
                    {
                        probeVectors.Add(face.Embedding);
                    }
                }

                if (batch.Count >= 200 || stored + batch.Count >= maxFaces)
                {
                    exact.AddFaces($"batch-{stored}", batch, "recall");
                    stored += batch.Count;
                    batch.Clear();
                    log?.Invoke($"{stored} faces stored");
                    if (stored >= maxFaces)
                    {
                        break;
                    }
                }
            }

            var build = Stopwatch.StartNew();
            using var hnsw = PostgresStore.Open(target with { Hnsw = true }, faces.Pipeline.Embedder.Identity);
            double buildSeconds = build.Elapsed.TotalSeconds;
            var exactMs = new List<double>();
            var hnswMs = new List<double>();
            double found = 0;
            foreach (var probe in probeVectors)
            {
                var clock = Stopwatch.StartNew();
                var truth = exact.NearestFaces(probe, k, exact: true).Select(h => h.FaceId).ToHashSet();
                exactMs.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                var approximate = hnsw.NearestFaces(probe, k, exact: false);
                hnswMs.Add(clock.Elapsed.TotalMilliseconds);
                found += approximate.Count(h => truth.Contains(h.FaceId)) / (double)truth.Count;
            }

            return new HnswRecallReport(stored, probeVectors.Count, k, target.EfSearch, found / probeVectors.Count, Median(exactMs), Median(hnswMs), buildSeconds);
        }
        finally
        {
            exact.Dispose();
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }
}
