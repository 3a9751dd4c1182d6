using System.Diagnostics;
using ArcFaceKit.Clustering;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// Clustering time and memory at scale: LFW View 2's embeddings, each repeated with noise up to --faces (default
/// 100,000), clustered at once; beside the floor measured in the same run, the same number of top-1 searches over the
/// final centroids on every core (two passes: the first and the refinement).
/// </summary>
internal static class ClusterBench
{
    public static void Run(BenchOptions options)
    {
        int target = options.Int("--faces", 100_000);
        string embedderFile = options.Value("--embedder") ?? "faceplugin_fr_feature.onnx";
        var photos = Directory.EnumerateFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal).ToList();
        Console.WriteLine($"cluster: {photos.Count} LFW photos embedded with {embedderFile}, repeated with noise to {target:N0} faces");
        Dictionary<string, RatedEmbedding?> rated;
        float threshold;
        using (var service = FacePipeline.Open(new FaceModels { Detector = ModelStore.DefaultDetector(), Embedder = Path.Combine(options.Models, embedderFile) }, new PipelineOptions { MaxConcurrentAnalyses = 1 }))
        {
            rated = ImageEmbeddings.ComputeRatedAsync(service, photos).GetAwaiter().GetResult();
            threshold = ClusteringDefaults.ThresholdFor(((Models.IModelInfo)service.Embedder).Manifest);
        }

        var originals = photos.Where(p => rated[p] is not null).ToList();
        var copies = NoisyCopies.Make([.. originals.Select(p => rated[p]!.Embedding)], target, 0.6f, new Random(7));
        var faces = copies.Select(c => c.Vector).ToList();
        var quality = copies.Select(c => rated[originals[c.Source]]!.Quality.Score).ToList();
        var truth = copies.Select(c => LfwIdentification.PersonOf(originals[c.Source])).ToList();
        int dim = faces[0].Length;
        rated.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeakMemory();
        long before = Environment.WorkingSet;
        var watch = Stopwatch.StartNew();
        var result = FaceClusterer.Cluster(faces, quality, threshold, ClusteringOptions.Default with { MinFaces = 1 });
        double seconds = watch.Elapsed.TotalSeconds;
        long peak = PeakMemory();
        var metrics = ClusterMetrics.Measure(result.Labels(faces.Count), truth);

        var centroids = new ExactFaceIndex(dim);
        foreach (var p in result.People)
        {
            centroids.Upsert(p.Id, p.Centroid);
        }

        watch.Restart();
        Parallel.For(0, faces.Count, i => centroids.Search(faces[i], 1));
        double floor = 2 * watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  {faces.Count:N0} faces ({dim}-d), threshold {threshold:0.###}: {seconds:F1} s, {result.People.Count:N0} people (true {metrics.People:N0}), BCubed F1 {metrics.BCubedF1 * 100:F2}%");
        Console.WriteLine($"  memory: process peak {peak / 1e9:F2} GB during clustering ({before / 1e9:F2} GB before it, the faces included)");
        Console.WriteLine($"  floor: two top-1 passes over the final {centroids.Count:N0} centroids on {Environment.ProcessorCount} cores {floor:F1} s; clustering {seconds / floor:F2}x that");
    }

    // Linux: writing 5 to clear_refs resets the peak resident size (VmHWM) so it measures this step alone.
    private static void ResetPeakMemory()
    {
        if (File.Exists("/proc/self/clear_refs"))
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
    }

    private static long PeakMemory()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
