using System.Diagnostics;
using ArcFaceKit.Models;
using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Bench;

/// <summary>
/// Each model alone in a bare ONNX Runtime session: the file as published, the same fp32 graph as the library runs it
/// (load-time rewrites, batch freed), and its int8 quantization made in this run; ms per face (embedders, 112x112) or per
/// image (detectors, 320x320 YuNet canvas, 320x240 faceplugin), batch 1 and 16, 1 and 2 threads, medians.
/// </summary>
internal static class ModelsBench
{
    public static void Run(BenchOptions options)
    {
        Console.WriteLine($"models: bare ONNX Runtime sessions, {options.Repeats} repeats, medians; {Environment.ProcessorCount} cores");
        using var quantized = new QuantizedModels(options);
        foreach (var parent in QuantizedModels.Parents)
        {
            string path = Path.Combine(options.Models, parent);
            byte[] published = File.ReadAllBytes(path);

            // Only embedders get their batch freed by the library (a detector runs one photo at a time).
            bool embedder = ModelResolver.Resolve(path).Manifest.Kind == "embedder";
            var variants = new (string Name, byte[] Bytes)[]
            {
                ("fp32 as published", published),
                ("fp32 as run", InferenceGraph.AsRun(published, embedder)),
                ("int8", InferenceGraph.AsRun(File.ReadAllBytes(quantized.Of(parent)), embedder)),
            };
            foreach (int threads in new[] { 1, 2 })
            {
                foreach (int batch in new[] { 1, 16 })
                {
                    var times = variants.Select(v => (v.Name, Ms: MsPerItem(v.Name == "fp32 as published" && batch > 1 ? null : v.Bytes, threads, batch, options.Repeats))).ToList();
                    double asRun = times[1].Ms, asInt8 = times[2].Ms;
                    Console.WriteLine($"  {parent,-28} threads {threads} batch {batch,2}: " + string.Join(", ", times.Select(t => double.IsNaN(t.Ms) ? $"{t.Name} -" : $"{t.Name} {t.Ms:F2} ms")) +
                        (double.IsNaN(asInt8) ? "" : $"; int8 {asRun / asInt8:F2}x fp32 as run"));
                }
            }
        }
    }

    /// <summary>Median ms per item; NaN when the model does not take this batch.</summary>
    private static double MsPerItem(byte[]? model, int threads, int batch, int repeats)
    {
        if (model is null)
        {
            return double.NaN;
        }

        using var sessionOptions = new InferenceOptions { IntraOpThreads = threads }.CreateSessionOptions();
        using var session = new InferenceSession(model, sessionOptions);
        string name = session.InputMetadata.Keys.First();
        int[] dims = session.InputMetadata[name].Dimensions;
        if (dims[0] > 0 && dims[0] != batch)
        {
            return double.NaN;
        }

        long[] shape = [batch, dims[1], dims[2] > 0 ? dims[2] : 320, dims[3] > 0 ? dims[3] : 320];
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        var random = new Random(7);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        string[] outputs = [.. session.OutputMetadata.Keys];
        int runs = Math.Max(3, 64 / batch);
        double Once()
        {
            var watch = Stopwatch.StartNew();
            for (int r = 0; r < runs; r++)
            {
                using var result = session.Run(runOptions, [name], [tensor], outputs);
            }

            return watch.Elapsed.TotalMilliseconds / (runs * batch);
        }

        Once(); // warm-up
        return Stats.Median(Enumerable.Range(0, repeats).Select(_ => Once()));
    }
}
