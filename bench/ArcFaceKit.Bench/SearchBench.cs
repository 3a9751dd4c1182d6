using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Numerics.Tensors;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// Exact top-10 search: the fp32 index (one core) and the 8-bit index (every core, half-precision re-scoring) on random
/// unit vectors, each with the bytes it reads a second next to the machine's read bandwidth probed in the same run.
/// </summary>
internal static class SearchBench
{
    private const int Queries = 64;

    private const int Batch = 64;

    public static void Run(BenchOptions options)
    {
        int[] sizes = List(options.Value("--n") ?? "100000");
        int[] dims = List(options.Value("--dim") ?? "128,512");
        string[] kinds = (options.Value("--data") ?? "random").Split(',');
        int[] expansions = options.Value("--hnsw-ef") is "0" ? [] : List(options.Value("--hnsw-ef") ?? "64,128,256");
        var (oneCore, allCores) = Bandwidth(options.Repeats);
        double macsPerSecond = MultiplyAddPeak(options.Repeats, Environment.ProcessorCount);
        Console.WriteLine($"search: top-10, {Queries} queries a repeat, {options.Repeats} repeats, medians; read bandwidth probed {oneCore:F1} GB/s on one core, {allCores:F1} GB/s on {Environment.ProcessorCount}; 8-bit multiply-adds probed {macsPerSecond / 1e9:F0} G/s on {Environment.ProcessorCount} (AVX-VNNI, 256-bit, from registers)");
        var real = new Dictionary<int, List<float[]>>();
        foreach (int n in sizes)
        {
            foreach (int dim in dims)
            {
                foreach (string kind in kinds)
                {
                    var rng = new Random(1);
                    Func<float[]> draw = kind switch
                    {
                        "random" => () => RandomUnit(rng, dim),
                        "real" => RealDraw(options, real, dim, rng),
                        _ => throw new ArgumentException($"--data takes random and real, not '{kind}'."),
                    };
                    var vectors = Enumerable.Range(0, n).Select(_ => draw()).ToList();
                    var queries = Enumerable.Range(0, Queries).Select(_ => draw()).ToList();
                    Console.WriteLine($"  {n:N0} x {dim}-d, {(kind == "random" ? "random unit vectors" : $"real embeddings ({real[dim].Count:N0} LFW faces) with noise")}:");
                    var fp32 = new ExactFaceIndex(dim);
                    for (int i = 0; i < n; i++)
                    {
                        fp32.Upsert(i, vectors[i]);
                    }

                    var truth = queries.Select(q => fp32.Search(q, 10).Select(h => h.Id).ToHashSet()).ToList();
                    double exactQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => fp32.Search(q, 10), queries)));
                    double int8Qps = Exact8Bit(options, vectors, queries, truth, exactQps, macsPerSecond);
                    if (kind == "random")
                    {
                        Faiss(n, dim, options.Repeats);
                    }

                    if (expansions.Length > 0)
                    {
                        Hnsw(options, vectors, queries, truth, expansions, int8Qps);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The 8-bit index on every core, on one core and in batches, against fp32 exact measured just before and the compute
    /// ceiling of the probed multiply-add rate; its queries/s on every core.
    /// </summary>
    private static double Exact8Bit(BenchOptions options, List<float[]> vectors, List<float[]> queries, List<HashSet<long>> truth, double exactQps, double macsPerSecond)
    {
        int n = vectors.Count, dim = vectors[0].Length;
        using var int8 = new Int8FaceIndex(dim);
        using var int8OneCore = new Int8FaceIndex(dim, threads: 1);
        for (int i = 0; i < n; i++)
        {
            int8.Upsert(i, vectors[i]);
            int8OneCore.Upsert(i, vectors[i]);
        }

        double int8Qps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8.Search(q, 10), queries)));
        double int8OneCoreQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8OneCore.Search(q, 10), queries)));
        var batch = queries.Take(Batch).ToList();
        double int8BatchQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(int8.SearchMany(batch, 10));
            return batch.Count / watch.Elapsed.TotalSeconds;
        }));
        double recall = Recall(q => int8.Search(q, 10).Select(h => h.Id), queries, truth);
        int stride = (dim + 31) / 32 * 32;
        double exactGbs = exactQps * n * dim * 4 / 1e9, int8Gbs = int8Qps * n * stride / 1e9;
        Console.WriteLine($"    fp32 exact {exactQps,7:F1} queries/s ({exactGbs:F1} GB/s, one core); int8 {int8Qps,7:F1} queries/s ({int8Gbs:F1} GB/s of codes, {Environment.ProcessorCount} cores), {int8Qps / exactQps:F1}x, on one core {int8OneCoreQps:F1}, in batches of {Batch} {int8BatchQps:F1} ({int8BatchQps / int8Qps:F1}x); recall@10 vs fp32 {recall * 100:F2}%; {stride + (2 * dim) + 4} bytes a vector in memory ({stride} of them scanned) against {dim * 4}");

        // A batch reads the codes once for all its queries, so it is bound by multiply-adds, not bandwidth: n x stride a query.
        double ceiling = macsPerSecond / ((double)n * stride);
        Console.WriteLine($"      compute ceiling for any batch: {ceiling:F1} queries/s ({ceiling / int8Qps:F1}x one query at a time) at the probed multiply-add rate; batches of {Batch} reach {int8BatchQps / ceiling * 100:F0}% of it");
        return int8Qps;
    }

    /// <summary>HNSW (USearch, half precision) built on every core, then searched at each breadth on one thread and on every core.</summary>
    private static void Hnsw(BenchOptions options, List<float[]> vectors, List<float[]> queries, List<HashSet<long>> truth, int[] expansions, double int8Qps)
    {
        var defaults = new HnswOptions();
        using var hnsw = new HnswFaceIndex(vectors[0].Length, defaults);
        var watch = Stopwatch.StartNew();
        hnsw.AddMany([.. Enumerable.Range(0, vectors.Count).Select(i => (long)i)], vectors);
        double build = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"    HNSW (USearch, M {defaults.Connectivity}, efConstruction {defaults.ExpansionAdd}, half precision): built in {build:F1} s on {Environment.ProcessorCount} cores ({vectors.Count / build:F0} vectors/s)");
        foreach (int ef in expansions)
        {
            hnsw.ExpansionSearch = ef;
            double one = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => hnsw.Search(q, 10), queries)));
            double all = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                Parallel.ForEach(queries, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, q => GC.KeepAlive(hnsw.Search(q, 10)));
                return queries.Count / clock.Elapsed.TotalSeconds;
            }));
            double recall = Recall(q => hnsw.Search(q, 10).Select(h => h.Id), queries, truth);
            Console.WriteLine($"      efSearch {ef,4}: {one,8:F1} queries/s on one core, {all,8:F1} on {Environment.ProcessorCount} ({all / int8Qps:F1}x the exact int8 scan on {Environment.ProcessorCount}); recall@10 vs fp32 {recall * 100:F2}%");
        }
    }

    /// <summary>The share of the true top 10 among the ids a search answers, over the queries.</summary>
    internal static double Recall(Func<float[], IEnumerable<long>> search, List<float[]> queries, List<HashSet<long>> truth) =>
        queries.Select((q, i) => search(q).Count(truth[i].Contains) / 10.0).Average();

    /// <summary>Draws noisy copies of real embeddings of <paramref name="dim"/> dimensions (LFW photos embedded once per size).</summary>
    internal static Func<float[]> RealDraw(BenchOptions options, Dictionary<int, List<float[]>> real, int dim, Random rng)
    {
        if (!real.TryGetValue(dim, out var originals))
        {
            string embedder = dim switch
            {
                128 => "mobilefacenet_a.onnx",
                512 => "faceplugin_fr_feature.onnx",
                _ => throw new ArgumentException($"Real embeddings come in 128 and 512 dimensions, not {dim}."),
            };
            var photos = Directory.EnumerateFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal).Take(options.Int("--real-photos", 2000)).ToList();
            using var service = FacePipeline.Open(new FaceModels { Detector = ModelStore.DefaultDetector(), Embedder = Path.Combine(options.Models, embedder) });
            originals = [.. ImageEmbeddings.ComputeAsync(service, photos).GetAwaiter().GetResult().Values.OfType<float[]>()];
            real[dim] = originals;
        }

        // Noise of norm 0.6 (NoisyCopies): copies of one face are about as close as two photos of one person.
        float sigma = 0.6f / MathF.Sqrt(dim);
        return () => NoisyCopies.Copy(originals[rng.Next(originals.Count)], sigma, rng);
    }

    /// <summary>The same sizes on Debian's python3-faiss, when it is installed (bench/anchors/install.sh).</summary>
    private static void Faiss(int n, int dim, int repeats)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "anchors", "faiss_search.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, $"{n}", $"{dim}", $"{Queries}", $"{repeats}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = File.Exists("/usr/bin/python3") ? Process.Start(start) : null;
        if (python is null)
        {
            Console.WriteLine("    faiss: /usr/bin/python3 not found (bench/anchors/install.sh installs python3-faiss)");
            return;
        }

        var stderr = python.StandardError.ReadToEndAsync();
        while (python.StandardOutput.ReadLine() is { } line)
        {
            using var row = System.Text.Json.JsonDocument.Parse(line);
            var r = row.RootElement;
            Console.WriteLine($"    faiss {r.GetProperty("index").GetString()}, {r.GetProperty("threads").GetInt32()} thread(s), batch {r.GetProperty("batch").GetInt32()}: {r.GetProperty("queries_per_s").GetDouble(),8:F1} queries/s, recall@10 {r.GetProperty("recall_at_10").GetDouble() * 100:F2}%");
        }

        python.WaitForExit();
        if (python.ExitCode != 0)
        {
            Console.WriteLine($"    faiss: not run ({stderr.Result.Trim().Split('\n')[^1]}; bench/anchors/install.sh installs python3-faiss)");
        }
    }

    private static double Qps(Func<float[], IReadOnlyList<SearchHit>> search, List<float[]> queries)
    {
        var watch = Stopwatch.StartNew();
        long sink = 0;
        foreach (var q in queries)
        {
            sink += search(q)[0].Id;
        }

        GC.KeepAlive(sink);
        return queries.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The other physical limit: 8-bit multiply-adds a second (AVX-VNNI dot products of 32 byte pairs, eight independent
    /// accumulators in registers, no memory traffic) on that many cores; NaN where the CPU has no AVX-VNNI.
    /// </summary>
    private static double MultiplyAddPeak(int repeats, int threads)
    {
        if (!AvxVnni.IsSupported)
        {
            return double.NaN;
        }

        const int Rounds = 20_000_000;
        return Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
        {
            var sums = new int[threads];
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var a = Vector256.Create((byte)(t + 1));
                var b = Vector256.Create((sbyte)3);
                Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (int i = 0; i < Rounds; i++)
                {
                    s0 = AvxVnni.MultiplyWideningAndAdd(s0, a, b);
                    s1 = AvxVnni.MultiplyWideningAndAdd(s1, a, b);
                    s2 = AvxVnni.MultiplyWideningAndAdd(s2, a, b);
                    s3 = AvxVnni.MultiplyWideningAndAdd(s3, a, b);
                    s4 = AvxVnni.MultiplyWideningAndAdd(s4, a, b);
                    s5 = AvxVnni.MultiplyWideningAndAdd(s5, a, b);
                    s6 = AvxVnni.MultiplyWideningAndAdd(s6, a, b);
                    s7 = AvxVnni.MultiplyWideningAndAdd(s7, a, b);
                }

                sums[t] = Vector256.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
            });
            GC.KeepAlive(sums);
            return threads * (double)Rounds * 8 * 32 / watch.Elapsed.TotalSeconds;
        }));
    }

    /// <summary>The physical limit: GB/s of a SIMD sum over 1 GB, on one core and on every core.</summary>
    private static (double OneCore, double AllCores) Bandwidth(int repeats)
    {
        var data = new float[256 * 1024 * 1024];
        data.AsSpan().Fill(1);
        double Probe(int threads) => Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            var sums = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int chunk = data.Length / threads;
                sums[t] = TensorPrimitives.Sum(data.AsSpan(t * chunk, chunk));
            });
            GC.KeepAlive(sums);
            return data.Length * 4.0 / 1e9 / watch.Elapsed.TotalSeconds;
        }));
        return (Probe(1), Probe(Environment.ProcessorCount));
    }

    private static int[] List(string text) => [.. text.Split(',').Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture))];

    internal static float[] RandomUnit(Random rng, int dim)
    {
        var v = Enumerable.Range(0, dim).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }
}
