using System.Diagnostics;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// Whole pipeline (decode from bytes in memory, detect, align, embed) in images/s at batch 1 and batch 16 (one analysis
/// on every core) and at batch 1 on one thread (a request at the library's defaults), and over the same files as a
/// folder is analysed at the library's defaults; the share of
/// wall time spent outside ONNX Runtime's Run (the library's own overhead; target under 15%), the managed memory allocated
/// an image and the full (gen-2) collections, and the floor: the same
/// model inputs replayed through bare sessions of the published files and of the graphs as the library runs them (each
/// model's inputs together, and the models taking turns as in the pipeline, which costs the caches something). The
/// fp32 pairs are measured beside their int8 quantizations, made in the same run; and the fetched sets (the accurate
/// and the fast default, the earlier default, and the other fusion measured) where `models fetch` has left them
/// (--fetched DIR, default: the model cache; --fetched-only 1 leaves out the other rows).
/// </summary>
internal static class PipelineBench
{
    private const int ImageCount = 64;

    private static readonly string[] FetchedSets =
    [
        ModelStore.DefaultEmbedderFile, ModelStore.FastEmbedderFile, ModelStore.EarlierDefaultEmbedderFile,
        ModelResolver.FusionManifestFile("faceplugin_fr_feature+mobilefacenet_tf"),
    ];

    public static void Run(BenchOptions options)
    {
        var files = Directory.GetFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal).Take(ImageCount).ToList();
        var encoded = files.Select(File.ReadAllBytes).ToList();
        Console.WriteLine($"pipeline: {encoded.Count} LFW JPEGs decoded from memory, {options.Repeats} repeats, medians; {Environment.ProcessorCount} cores");
        string Fp32(string file) => Path.Combine(options.Models, file);
        bool fetchedOnly = options.Int("--fetched-only", 0) == 1;
        using var quantized = fetchedOnly ? null : new QuantizedModels(options);
        (string Detector, string Embedder)[] setups = quantized is null ? [] :
        [
            (Fp32("yunet_s_dynamic.onnx"), Fp32("mobilefacenet_a.onnx")),
            (Fp32("yunet_s_dynamic.onnx"), quantized.Of("mobilefacenet_a.onnx")),
            (quantized.Of("yunet_s_dynamic.onnx"), quantized.Of("mobilefacenet_a.onnx")),
            (Fp32("yunet_s_dynamic.onnx"), Fp32("faceplugin_fr_feature.onnx")),
            (Fp32("yunet_s_dynamic.onnx"), quantized.Of("faceplugin_fr_feature.onnx")),
            (Fp32("faceplugin_fr_detect.onnx"), Fp32("faceplugin_fr_feature.onnx")),
            (quantized.Of("faceplugin_fr_detect.onnx"), quantized.Of("faceplugin_fr_feature.onnx")),
        ];
        // The fetched embedders where models fetch has left them: the defaults and the candidates they were chosen from.
        string folder = options.Value("--fetched") ?? ModelStore.DefaultDirectory;
        var fetched = FetchedSets.Select(f => Path.Combine(folder, f)).Where(File.Exists).Select(f => (Fp32("yunet_s_dynamic.onnx"), f)).ToList();
        setups = [.. setups, .. fetched];

        var detection = DetectorOptions.Default with { InputSize = options.InputSize };
        foreach (var (detectorFile, embedderFile) in setups)
        {
            var detector = (File: detectorFile, Model: ModelResolver.Resolve(detectorFile, "detector"));
            var embedder = (File: embedderFile, Model: ModelResolver.Resolve(embedderFile, "embedder"));
            string name = $"{detector.Model.Manifest.Name} + {embedder.Model.Manifest.Name}";

            // One analysis on every core at batch 1 and 16, then one single-threaded analysis at batch 1: a request at
            // the library's defaults, where each analysis has one thread.
            Rows(options, name, detector, embedder, detection, encoded, PipelineOptions.DefaultConcurrency, [1, 16]);
            Rows(options, name, detector, embedder, detection, encoded, 1, [1]);

            // The library's defaults for a folder: one single-threaded analysis per core, batches side by side.
            using var service = FacePipeline.Open(new FaceModels { Detector = detectorFile, Embedder = embedderFile, Detection = detection });
            MeasureFiles(service, files); // warm-up
            double filesPerSecond = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => MeasureFiles(service, files)));
            Console.WriteLine($"  {name}, files: {filesPerSecond,7:F1} images/s, {service.Options.Concurrency} analyses x {service.Options.ThreadsPerAnalysis} thread side by side (AnalyzeFiles, batches of 16, decoding included)");
        }

        // Each pair with an int8 model against the same pair with its fp32 parents, at the library's defaults: passes of
        // the two taken in turns and the ratio taken pass by pass, as the machine's speed drifts between rows.
        bool Quantized(string file) => quantized?.IsQuantized(file) == true;
        string Parent(string file) => Quantized(file) ? Fp32(quantized!.ParentOf(file)) : file;
        foreach (var (detectorFile, embedderFile) in setups.Where(p => Quantized(p.Detector) || Quantized(p.Embedder)))
        {
            FacePipeline Open(string detector, string embedder) => FacePipeline.Open(new FaceModels { Detector = detector, Embedder = embedder, Detection = detection });
            using var int8 = Open(detectorFile, embedderFile);
            using var fp32 = Open(Parent(detectorFile), Parent(embedderFile));
            MeasureFiles(int8, files);
            MeasureFiles(fp32, files);
            var ratios = Enumerable.Range(0, options.Repeats).Select(_ => MeasureFiles(int8, files) / MeasureFiles(fp32, files)).ToList();
            Console.WriteLine($"  files, {Path.GetFileNameWithoutExtension(detectorFile)} + {Path.GetFileNameWithoutExtension(embedderFile)}: {Stats.Median(ratios):F2}x its fp32 pair (passes in turns; {ratios.Min():F2}-{ratios.Max():F2}x)");
        }
    }

    /// <summary>
    /// The pipeline's rows on one analysis of <paramref name="threads"/> threads, one a batch size; at batch 1 with the
    /// floor: each pass followed by the bare replay of the same inputs, the ratio taken pass by pass (the machine's speed
    /// drifts between passes more than the gap being measured).
    /// </summary>
    private static void Rows(
        BenchOptions options, string name, (string File, ResolvedModel Model) detector, (string File, ResolvedModel Model) embedder,
        DetectorOptions detection, List<byte[]> encoded, int threads, int[] batches)
    {
        using var recorder = new ModelInputRecorder();
        var inference = new InferenceOptions { IntraOpThreads = threads, AllowSpinning = options.Int("--allow-spinning", 0) == 1, InputObserver = recorder.Observe };
        using var pipeline = new FacePipeline(
            FaceDetectors.Create(detector.Model, detection, inference),
            FaceEmbedders.Open(embedder.File, null, inference),
            new PipelineOptions { MaxConcurrentAnalyses = 1 });
        var paths = new[] { detector.Model, embedder.Model }.SelectMany(m => m.Manifest.Files.Select(f => (f.File, Path: m.PathOf(f.Role), FreeBatch: m.Manifest.Kind == "embedder"))).ToDictionary(p => p.File, p => (p.Path, p.FreeBatch));
        var bare = inference with { InputObserver = null };
        foreach (int batch in batches)
        {
            Measure(pipeline, encoded, batch); // warm-up
            if (batch == 1)
            {
                recorder.Recording = true;
                Measure(pipeline, encoded, batch);
                recorder.Recording = false;
            }

            var runs = new List<(double ImagesPerSecond, double OutsideShare, double AllocatedKb, int FullCollections)>();
            var floors = new List<double>();
            var turns = new List<double>();
            for (int r = 0; r < options.Repeats; r++)
            {
                runs.Add(Measure(pipeline, encoded, batch));
                if (batch == 1)
                {
                    floors.Add(recorder.ReplayMs(paths, bare, prepared: true) / encoded.Count);
                    turns.Add(recorder.ReplayMs(paths, bare, prepared: true, alternating: true) / encoded.Count);
                }
            }

            double ips = Stats.Median(runs.Select(r => r.ImagesPerSecond));
            double outside = Stats.Median(runs.Select(r => r.OutsideShare));
            double allocated = Stats.Median(runs.Select(r => r.AllocatedKb));
            double fullCollections = runs.Sum(r => r.FullCollections);
            string floor = "";
            if (batch == 1)
            {
                List<double> PassByPass(List<double> bareMs) => [.. runs.Zip(bareMs, (run, ms) => 1000 / run.ImagesPerSecond / ms)];
                var ratios = PassByPass(floors);
                var turnRatios = PassByPass(turns);
                double published = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => recorder.ReplayMs(paths, bare, prepared: false))) / encoded.Count;
                floor = $"; {1000 / ips:F1} ms an image vs the same inputs in bare sessions: {Stats.Median(floors):F1} ms as run ({Stats.Median(ratios):F2}x, each pass against the replay after it; {ratios.Min():F2}-{ratios.Max():F2}x), " +
                    $"{Stats.Median(turns):F1} ms as run with the models taking turns as in the pipeline ({Stats.Median(turnRatios):F2}x), {published:F1} ms as published";
            }

            Console.WriteLine($"  {name}, batch {batch,2}, {threads} thread{(threads > 1 ? "s" : "")}: {ips,7:F1} images/s, {outside * 100,5:F1}% of time outside inference, {allocated,4:F0} KB allocated an image, {fullCollections / (runs.Count * encoded.Count) * 100,4:F1} gen-2 collections a 100 images{floor}");
        }
    }

    /// <summary>One pass over the files as a folder is analysed (<see cref="FacePipeline.AnalyzeFilesAsync"/>): images/s.</summary>
    private static double MeasureFiles(FacePipeline service, List<string> files)
    {
        var watch = Stopwatch.StartNew();
        int faces = service.AnalyzeFilesAsync(files).Select(f => f.Faces.Count).SumAsync().AsTask().GetAwaiter().GetResult();
        return faces > 0 ? files.Count / watch.Elapsed.TotalSeconds : throw new InvalidOperationException("No faces found: the benchmark would measure nothing.");
    }

    /// <summary>One pass over the images: images/s, the share of time outside ONNX Runtime, managed bytes allocated an image (decode included) and full collections.</summary>
    private static (double ImagesPerSecond, double OutsideShare, double AllocatedKb, int FullCollections) Measure(FacePipeline pipeline, List<byte[]> encoded, int batch)
    {
        var inferenceBefore = pipeline.InferenceTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        int fullBefore = GC.CollectionCount(2);
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

        return (encoded.Count / watch.Elapsed.TotalSeconds, 1 - (inference / watch.Elapsed), (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / encoded.Count, GC.CollectionCount(2) - fullBefore);
    }
}
