using System.Diagnostics;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Bench;

/// <summary>Exact top-10 search over 100k gallery entries: queries/s of the SIMD index against a scalar loop in the same run.</summary>
internal static class SearchBench
{
    private const int Entries = 100_000;
    private const int Queries = 200;

    public static void Run(BenchOptions options)
    {
        Console.WriteLine($"search: exact top-10 over {Entries:N0} entries, {Queries} queries a repeat, {options.Repeats} repeats, medians");
        foreach (int dim in new[] { 128, 512 })
        {
            var rng = new Random(1);
            var index = new ExactFaceIndex(dim);
            var flat = new float[Entries * dim];
            for (int i = 0; i < Entries; i++)
            {
                var v = RandomUnit(rng, dim);
                index.Upsert(i, v);
                v.CopyTo(flat, i * dim);
            }

            var queries = Enumerable.Range(0, Queries).Select(_ => RandomUnit(rng, dim)).ToList();
            double simd = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => index.Search(q, 10)[0].Id, queries)));
            double scalar = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => Qps(q => ScalarTop1(flat, dim, q), queries)));
            if (queries.Any(q => index.Search(q, 1)[0].Id != ScalarTop1(flat, dim, q)))
            {
                throw new InvalidOperationException("SIMD and scalar search disagree.");
            }

            Console.WriteLine($"  {dim}-d: {simd,8:F0} queries/s (scalar loop baseline {scalar:F0} queries/s, {simd / scalar:F1}x)");
        }
    }

    private static double Qps(Func<float[], long> search, List<float[]> queries)
    {
        var watch = Stopwatch.StartNew();
        long sink = 0;
        foreach (var q in queries)
        {
            sink += search(q);
        }

        GC.KeepAlive(sink);
        return queries.Count / watch.Elapsed.TotalSeconds;
    }

    private static long ScalarTop1(float[] flat, int dim, float[] q)
    {
        long best = -1;
        float bestScore = float.MinValue;
        for (int i = 0; i < flat.Length / dim; i++)
        {
            float s = 0;
            for (int d = 0; d < dim; d++)
            {
                s += flat[(i * dim) + d] * q[d];
            }

            if (s > bestScore)
            {
                bestScore = s;
                best = i;
            }
        }

        return best;
    }

    private static float[] RandomUnit(Random rng, int dim)
    {
        var v = Enumerable.Range(0, dim).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(v);
        return v;
    }
}
