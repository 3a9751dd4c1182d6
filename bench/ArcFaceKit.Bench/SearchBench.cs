using System.Diagnostics;
using System.Numerics.Tensors;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

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
        var (oneCore, allCores) = Bandwidth(options.Repeats);
        Console.WriteLine($"search: exact top-10, {Queries} queries a repeat, {options.Repeats} repeats, medians; read bandwidth probed {oneCore:F1} GB/s on one core, {allCores:F1} GB/s on {Environment.ProcessorCount}");
        foreach (int n in sizes)
        {
            foreach (int dim in dims)
            {
                var rng = new Random(1);
                var fp32 = new ExactFaceIndex(dim);
                var int8 = new Int8FaceIndex(dim);
                var int8OneCore = new Int8FaceIndex(dim, threads: 1);
                for (int i = 0; i < n; i++)
                {
                    var v = RandomUnit(rng, dim);
                    fp32.Upsert(i, v);
                    int8.Upsert(i, v);
                    int8OneCore.Upsert(i, v);
                }

                var queries = Enumerable.Range(0, Queries).Select(_ => RandomUnit(rng, dim)).ToList();
                double exactQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => fp32.Search(q, 10), queries)));
                double int8Qps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8.Search(q, 10), queries)));
                double int8OneCoreQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => int8OneCore.Search(q, 10), queries)));
                var batch = queries.Take(Batch).ToList();
                double int8BatchQps = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ =>
                {
                    var watch = Stopwatch.StartNew();
                    GC.KeepAlive(int8.SearchMany(batch, 10));
                    return batch.Count / watch.Elapsed.TotalSeconds;
                }));
                double recall = queries.Average(q => fp32.Search(q, 10).Select(h => h.Id).Intersect(int8.Search(q, 10).Select(h => h.Id)).Count() / 10.0);
                double exactGbs = exactQps * n * dim * 4 / 1e9, int8Gbs = int8Qps * n * ((dim + 31) / 32 * 32) / 1e9;
                Console.WriteLine($"  {n:N0} x {dim}-d: fp32 {exactQps,7:F1} queries/s ({exactGbs:F1} GB/s, one core); int8 {int8Qps,7:F1} queries/s ({int8Gbs:F1} GB/s of codes, {Environment.ProcessorCount} cores), {int8Qps / exactQps:F1}x, on one core {int8OneCoreQps:F1}, in batches of {Batch} {int8BatchQps:F1} ({int8BatchQps / int8Qps:F1}x); recall@10 vs fp32 {recall * 100:F2}%; {((dim + 31) / 32 * 32) + (2 * dim) + 4} bytes a vector in memory ({(dim + 31) / 32 * 32} of them scanned) against {dim * 4}");
                Faiss(n, dim, options.Repeats);
            }
        }
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
