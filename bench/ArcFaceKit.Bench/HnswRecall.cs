using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Service;

namespace ArcFaceKit.Bench;

/// <summary>What the HNSW index gives up against exact search on one gallery: recall@k and query times, medians.</summary>
public sealed record HnswRecallReport(int Faces, int Probes, int K, int EfSearch, double Recall, double ExactMedianMs, double HnswMedianMs, double IndexBuildSeconds)
{
    public override string ToString() =>
        $"{Faces} faces, {Probes} probes, ef_search {EfSearch}: recall@{K} {Recall:P2}; median query exact {ExactMedianMs:F1} ms, " +
        $"HNSW {HnswMedianMs:F1} ms ({ExactMedianMs / HnswMedianMs:F1}x); index build {IndexBuildSeconds:F1} s";
}

/// <summary>
/// Fills a fresh PostgreSQL schema with real face embeddings (every face of the given photos, each its own subject, so
/// a subject search is a face search), builds the HNSW indexes and compares the gallery's top-k through them with
/// its exact top-k, for probe faces taken from the gallery itself.
/// </summary>
public static class HnswRecall
{
    public static async Task<HnswRecallReport> MeasureAsync(FaceService faces, PostgresGalleryOptions target, IEnumerable<string> photos, int maxFaces, int probes, int k, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(photos);
        var model = faces.Embedder.Identity;
        await using var exact = await PostgresGallery.OpenAsync(target with { Hnsw = false }, model);
        int stored = 0;
        var probeVectors = new List<float[]>();
        foreach (var path in photos)
        {
            foreach (var face in await faces.AnalyzeAsync(faces.DecodeFile(path)))
            {
                await exact.AddFacesAsync($"face-{stored}", [new NewFace(face.Embedding, [])], "recall");
                if (probeVectors.Count < probes && stored % 7 == 0)
                {
                    probeVectors.Add(face.Embedding);
                }

                if (++stored % 200 == 0)
                {
                    log?.Invoke($"{stored} faces stored");
                }
            }

            if (stored >= maxFaces)
            {
                break;
            }
        }

        var build = Stopwatch.StartNew();
        await using var hnsw = await PostgresGallery.OpenAsync(target with { Hnsw = true }, model);
        double buildSeconds = build.Elapsed.TotalSeconds;
        var exactMs = new List<double>();
        var hnswMs = new List<double>();
        double found = 0;
        foreach (var probe in probeVectors)
        {
            var clock = Stopwatch.StartNew();
            var truth = (await exact.SearchAsync(probe, k, SubjectScoring.BestFace)).Select(h => h.FaceId).ToHashSet();
            exactMs.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var approximate = await hnsw.SearchAsync(probe, k, SubjectScoring.BestFace);
            hnswMs.Add(clock.Elapsed.TotalMilliseconds);
            found += approximate.Count(h => truth.Contains(h.FaceId)) / (double)truth.Count;
        }

        return new HnswRecallReport(stored, probeVectors.Count, k, target.EfSearch, found / probeVectors.Count, Stats.Median(exactMs), Stats.Median(hnswMs), buildSeconds);
    }
}
