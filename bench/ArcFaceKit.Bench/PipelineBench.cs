using System.Diagnostics;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Service;

namespace ArcFaceKit.Bench;

/// <summary>
/// Whole pipeline (decode from bytes in memory, detect, align, embed) in images/s at batch 1 and batch 16, and the
/// share of wall time spent outside ONNX Runtime's Run (the library's own overhead; target under 15%).
/// </summary>
internal static class PipelineBench
{
    private const int ImageCount = 64;

    public static void Run(BenchOptions options)
    {
        var files = Directory.GetFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal).Take(ImageCount).ToList();
        var encoded = files.Select(File.ReadAllBytes).ToList();
        (string Detector, string Embedder)[] setups =
        [
            ("yunet_s_dynamic.onnx", "mobilefacenet_a.onnx"),
            ("faceplugin_fr_detect.onnx", "faceplugin_fr_feature.onnx"),
        ];
        Console.WriteLine($"pipeline: {encoded.Count} LFW JPEGs decoded from memory, {options.Repeats} repeats, medians; {Environment.ProcessorCount} cores");
        foreach (var (detectorFile, embedderFile) in setups)
        {
            using var pipeline = FaceService.Open(new FaceServiceOptions
            {
                Detector = Path.Combine(options.Models, detectorFile),
                Embedder = Path.Combine(options.Models, embedderFile),
                Detection = DetectorOptions.Default with { InputSize = options.InputSize },
                MaxConcurrentAnalyses = 1,
            });
            foreach (int batch in new[] { 1, 16 })
            {
                Measure(pipeline, encoded, batch); // warm-up
                var runs = Enumerable.Range(0, options.Repeats).Select(_ => Measure(pipeline, encoded, batch)).ToList();
                double ips = Stats.Median(runs.Select(r => r.ImagesPerSecond));
                double outside = Stats.Median(runs.Select(r => r.OutsideShare));
                Console.WriteLine($"  {detectorFile} + {embedderFile}, batch {batch,2}: {ips,7:F1} images/s, {outside * 100,5:F1}% of time outside inference");
            }
        }
    }

    private static (double ImagesPerSecond, double OutsideShare) Measure(FaceService pipeline, List<byte[]> encoded, int batch)
    {
        var inferenceBefore = pipeline.InferenceTime;
        var watch = Stopwatch.StartNew();
        int faces = 0;
        for (int start = 0; start < encoded.Count; start += batch)
        {
            var images = encoded.Skip(start).Take(batch).Select(b => ImageDecoder.Decode(b)).ToList();
            faces += pipeline.AnalyzeBatchAsync(images).GetAwaiter().GetResult().Sum(r => r.Count);
        }

        watch.Stop();
        var inference = pipeline.InferenceTime - inferenceBefore;
        if (faces == 0)
        {
            throw new InvalidOperationException("No faces found: the benchmark would measure nothing.");
        }

        return (encoded.Count / watch.Elapsed.TotalSeconds, 1 - (inference / watch.Elapsed));
    }
}
