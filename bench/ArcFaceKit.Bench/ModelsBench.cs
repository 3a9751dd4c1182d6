using System.Diagnostics;
using ArcFaceKit.Models;
using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Bench;

/// <summary>
/// Each model alone in a bare ONNX Runtime session: the file as published, the same fp32 graph as the library runs it
/// (load-time rewrites, batch freed), and its int8 quantization made in this run; ms per face (embedders, 112x112) or per
/// image (detectors, 320x320 YuNet canvas, 320x240 faceplugin), batch 1 and 16, 1 and 2 threads, medians. With
/// --profile 1, ONNX Runtime's profiler also splits each variant's time (one thread, batch 1) by kind of kernel: where a
/// rewrite or a quantization wins or loses.
/// </summary>
internal static class ModelsBench
{
    public static void Run(BenchOptions options)
    {
        Console.WriteLine($"models: bare ONNX Runtime sessions, {options.Repeats} repeats, medians; {Environment.ProcessorCount} cores");
        if (options.Value("--only") is { } only)
        {
            // Any model files (the fetched ones, say), fp32 only: no quantization.
            foreach (string path in only.Split(','))
            {
                Report(options, path, null);
            }

            return;
        }

        using var quantized = new QuantizedModels(options);
        foreach (var parent in QuantizedModels.Parents)
        {
            Report(options, Path.Combine(options.Models, parent), quantized.Of(parent));
        }
    }

    /// <summary>One model's lines: as published, as the library runs it, and its int8 quantization when there is one.</summary>
    private static void Report(BenchOptions options, string path, string? int8)
    {
        byte[] published = File.ReadAllBytes(path);

        // Only embedders get their batch freed by the library (a detector runs one photo at a time).
        bool embedder = ModelResolver.Resolve(path).Manifest.Kind == "embedder";
        var variants = new List<(string Name, byte[] Bytes)> { ("fp32 as published", published), ("fp32 as run", InferenceGraph.AsRun(published, embedder)) };
        if (int8 is not null)
        {
            variants.Add(("int8", InferenceGraph.AsRun(File.ReadAllBytes(int8), embedder)));
        }

        string name = Path.GetFileName(path);
        foreach (int threads in new[] { 1, 2 })
        {
            foreach (int batch in new[] { 1, 16 })
            {
                var times = variants.Select(v => (v.Name, Ms: MsPerItem(v.Name == "fp32 as published" && batch > 1 ? null : v.Bytes, threads, batch, options.Repeats))).ToList();
                Console.WriteLine($"  {name,-28} threads {threads} batch {batch,2}: " + string.Join(", ", times.Select(t => double.IsNaN(t.Ms) ? $"{t.Name} -" : $"{t.Name} {t.Ms:F2} ms")) +
                    (times.Count < 3 || double.IsNaN(times[2].Ms) ? "" : $"; int8 {times[1].Ms / times[2].Ms:F2}x fp32 as run"));
            }
        }

        if (options.Int("--profile", 0) == 1)
        {
            foreach (var (variant, bytes) in variants)
            {
                Console.WriteLine($"    {variant}, one thread, batch 1, by kernel: " + string.Join(", ", Profile(bytes).Select(k => $"{k.Kernel} {k.Share:P0} ({k.Nodes})")));
            }
        }
    }

    /// <summary>Each kind of kernel's share of the time inside the nodes over 50 runs of batch 1, with how many nodes run it, largest first.</summary>
    private static List<(string Kernel, double Share, int Nodes)> Profile(byte[] model)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"arcfacekit-profile-{Environment.ProcessId}");
        using var sessionOptions = new InferenceOptions { IntraOpThreads = 1 }.CreateSessionOptions();
        sessionOptions.EnableProfiling = true;
        sessionOptions.ProfileOutputPathPrefix = prefix;
        string file;
        using (var session = new InferenceSession(model, sessionOptions))
        {
            var (name, shape, data) = RandomInput(session, 1);
            using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
            using var runOptions = new RunOptions();
            string[] outputs = [.. session.OutputMetadata.Keys];
            for (int r = 0; r < 50; r++)
            {
                using var result = session.Run(runOptions, [name], [tensor], outputs);
            }

            file = session.EndProfiling();
        }

        try
        {
            using var trace = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            var kernels = trace.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                .Select(e => (Kernel: e.GetProperty("args").GetProperty("op_name").GetString()!, Node: e.GetProperty("name").GetString()!, Us: e.GetProperty("dur").GetDouble()))
                .GroupBy(e => e.Kernel)
                .Select(g => (g.Key, Us: g.Sum(e => e.Us), Nodes: g.Select(e => e.Node).Distinct().Count()))
                .ToList();
            double total = kernels.Sum(k => k.Us);
            return [.. kernels.OrderByDescending(k => k.Us).Select(k => (k.Key, k.Us / total, k.Nodes))];
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A fixed random batch for the session's first input (a free side taken as 320: a detector's canvas).</summary>
    private static (string Name, long[] Shape, float[] Data) RandomInput(InferenceSession session, int batch)
    {
        string name = session.InputMetadata.Keys.First();
        int[] dims = session.InputMetadata[name].Dimensions;
        long[] shape = [batch, dims[1], dims[2] > 0 ? dims[2] : 320, dims[3] > 0 ? dims[3] : 320];
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        var random = new Random(7);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return (name, shape, data);
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

        var (_, shape, data) = RandomInput(session, batch);
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
