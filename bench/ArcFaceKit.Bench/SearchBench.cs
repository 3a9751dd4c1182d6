using System.Diagnostics;
using System.Numerics.Tensors;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Bench;

/// <summary>
/// Exact top-10 search: the fp32 index (one core) and the 8-bit index (every core and one, one query at a time and in
/// batches, half-precision re-scoring) on random unit vectors, each with the bytes it reads a second next to the
/// machine's read bandwidth probed in the same run; the 8-bit rows once for each kernel asked for (--kernels: all, or
/// names; by default the one searches run), each beside the multiply-add rate of that kernel's own tile.
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
        IReadOnlyList<Int8Kernel> kernels = options.Value("--kernels") switch
        {
            null => [Int8Kernels.Default],
            "all" => Int8Kernels.Supported,
            var names => [.. names.Split(',').Select(name => Int8Kernels.Checked(Int8Kernels.Parse(name)))],
        };
        Console.WriteLine($"search: {CpuFeatures.Describe()}; 8-bit rows for {string.Join(", ", kernels)}");
        var (oneCore, allCores) = Bandwidth(options.Repeats);
        Console.WriteLine($"  top-10, {Queries} queries a repeat, {options.Repeats} repeats, medians; read bandwidth probed {oneCore:F1} GB/s on one core, {allCores:F1} GB/s on {Environment.ProcessorCount}");
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
                    double int8Qps = Exact8Bit(options, vectors, queries, truth, exactQps, kernels);
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
    /// The 8-bit index on every core and on one, one query at a time and in batches, on each kernel, against fp32 exact
    /// measured just before and the compute ceiling of the kernel's probed multiply-add rate; the first kernel's
    /// queries/s on every core.
    /// </summary>
    private static double Exact8Bit(BenchOptions options, List<float[]> vectors, List<float[]> queries, List<HashSet<long>> truth, double exactQps, IReadOnlyList<Int8Kernel> kernels)
    {
        int n = vectors.Count, dim = vectors[0].Length, stride = Int8Codes.Stride(dim), cores = Environment.ProcessorCount;
        using var int8 = new Int8FaceIndex(dim);
        using var int8OneCore = new Int8FaceIndex(dim, threads: 1);
        for (int i = 0; i < n; i++)
        {
            int8.Upsert(i, vectors[i]);
            int8OneCore.Upsert(i, vectors[i]);
        }

        Console.WriteLine($"    fp32 exact {exactQps,7:F1} queries/s ({exactQps * n * dim * 4 / 1e9:F1} GB/s, one core); int8: {stride + (2 * dim) + 4} bytes a vector in memory ({stride} of them scanned) against {dim * 4}");
        var batch = queries.Take(Batch).ToList();
        double Batched(Int8FaceIndex index) => Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(index.SearchMany(batch, 10));
            return batch.Count / watch.Elapsed.TotalSeconds;
        }));
        double first = double.NaN;
        foreach (var kernel in kernels)
        {
            int8.Kernel = int8OneCore.Kernel = kernel;
            double all = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8.Search(q, 10), queries)));
            double one = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8OneCore.Search(q, 10), queries)));
            double batchAll = Batched(int8), batchOne = Batched(int8OneCore);
            double recall = Recall(q => int8.Search(q, 10).Select(h => h.Id), queries, truth);
            Console.WriteLine($"    int8 [{kernel}] {all,7:F1} queries/s ({all * n * stride / 1e9:F1} GB/s of codes, {cores} cores), {all / exactQps:F1}x fp32; on one core {one:F1} ({one / exactQps:F1}x fp32); in batches of {Batch} {batchAll:F1} ({batchAll / all:F1}x one at a time), on one core {batchOne:F1} ({batchOne / one:F1}x); recall@10 vs fp32 {recall * 100:F2}%");

            // A batch reads the codes once for all its queries, so it is bound by multiply-adds, not bandwidth: n x stride a query.
            double macs = MultiplyAddRate(kernel, stride, options.Repeats, cores), ceiling = macs / ((double)n * stride);
            Console.WriteLine($"      [{kernel}] multiply-adds probed {macs / 1e9:F0} G/s on {cores} (its tile of 8 stored x 2 queries, codes in L1): compute ceiling for any batch {ceiling:F1} queries/s ({ceiling / all:F1}x one query at a time); batches of {Batch} reach {batchAll / ceiling * 100:F0}% of it");
            first = double.IsNaN(first) ? all : first;
        }

        return first;
    }

    /// <summary>HNSW (USearch, half precision) built on every core, then searched at each breadth on one thread and on every core.</summary>
    private static void Hnsw(BenchOptions options, List<float[]> vectors, List<float[]> queries, List<HashSet<long>> truth, int[] expansions, double int8Qps)
    {
        var defaults = new HnswOptions();
        using var hnsw = new HnswFaceIndex(vectors[0].Length, defaults);
        var watch = Stopwatch.StartNew();
        hnsw.AddMany([.. Enumerable.Range(0, vectors.Count).Select(i => (long)i)], vectors);
        double build = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"    HNSW (USearch, M {defaults.Connectivity}, efConstruction {defaults.ExpansionAdd}, half precision): built in {build:F1} s on {Environment.ProcessorCount} cores ({vectors.Count / build:F0} vectors/s; {hnsw.Relinked} nodes stranded by concurrent adds found and linked again)");
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
    /// The other physical limit: 8-bit multiply-adds a second of the kernel's own tile (eight stored vectors by two
    /// queries, 16 x stride multiply-adds) over the same codes, in the first-level cache, on that many cores at once.
    /// </summary>
    private static double MultiplyAddRate(Int8Kernel kernel, int stride, int repeats, int threads)
    {
        var rng = new Random(2);
        var stored = new byte[8 * stride];
        rng.NextBytes(stored);
        var first = QueryCode.Encode(RandomUnit(rng, stride), stride, 1);
        var second = QueryCode.Encode(RandomUnit(rng, stride), stride, 1);

        // Rounds for about half a second a core, from a first short run.
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(Int8Scan.RepeatTile(kernel, stored, stride, first, second, 10_000));
        int rounds = (int)Math.Clamp(10_000 * 0.5 / clock.Elapsed.TotalSeconds, 10_000, 100_000_000);
        return Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
        {
            var sums = new int[threads];
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Int8Scan.RepeatTile(kernel, stored, stride, first, second, rounds));
            GC.KeepAlive(sums);
            return threads * (double)rounds * 16 * stride / watch.Elapsed.TotalSeconds;
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
