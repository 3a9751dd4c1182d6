using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.TestSupport;

namespace ArcFaceKit.Bench;

/// <summary>
/// Enrolment throughput of PostgreSQL gallery nodes writing one database at once (issue 33, item 2): 1, 2, 3… gallery
/// instances in this process, each with its own connection pool and index (a node), each with a few clients enrolling
/// new subjects, on a private PostgreSQL started for the run. Embeddings are precomputed random unit vectors, so it
/// measures the store (transactions, sealing, the change feed, each node applying the others' commits), not the model.
/// </summary>
internal static class WritersBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int[] writers = [.. (options.Value("--writers") ?? "1,2,3").Split(',').Select(int.Parse)];
        int clients = options.Int("--clients", 4), perEnrolment = options.Int("--faces", 1), dim = options.Int("--dim", 512), seconds = options.Int("--seconds", 10);
        var model = new ModelIdentity("bench vectors", new string('0', 64), 1, dim);
        var rng = new Random(1);
        var faces = Enumerable.Range(0, 4096).Select(_ => new NewFace(SearchBench.RandomUnit(rng, dim), [])).ToArray();
        Console.WriteLine($"writers: enrolment of new subjects ({perEnrolment} face{(perEnrolment == 1 ? "" : "s")} of {dim}-d each, one transaction, sealed) by N gallery nodes on one PostgreSQL 15, {clients} clients a node, {seconds} s a run, fresh schema a run, medians of {options.Repeats}; {Environment.ProcessorCount} cores shared by the nodes and the database");

        using var server = new PostgresServer();
        var runs = writers.Distinct().ToDictionary(n => n, _ => new List<double>());
        for (int repeat = 0; repeat < options.Repeats; repeat++)
        {
            // Interleaved, so a drift of the machine's load over the run falls on every count alike.
            foreach (int n in writers)
            {
                runs[n].Add(await RunOnceAsync(server, model, faces, n, clients, perEnrolment, TimeSpan.FromSeconds(seconds)));
            }
        }

        var rates = runs.ToDictionary(r => r.Key, r => Stats.Median(r.Value));
        foreach (int n in writers)
        {
            Console.WriteLine($"  {n} node{(n == 1 ? "" : "s")}: {rates[n],7:F0} faces/s (runs: {string.Join(", ", runs[n].Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");
        }

        if (rates.TryGetValue(1, out double one) && rates.Count > 1)
        {
            Console.WriteLine($"  against 1 node: {string.Join(", ", writers.Where(n => n != 1).Select(n => FormattableString.Invariant($"{n} nodes {rates[n] / one:F2}x")))}");
        }
    }

    /// <summary>Faces a second that <paramref name="n"/> nodes enrol together in <paramref name="duration"/>, after a short warm-up.</summary>
    private static async Task<double> RunOnceAsync(PostgresServer server, ModelIdentity model, NewFace[] faces, int n, int clients, int perEnrolment, TimeSpan duration)
    {
        var options = new PostgresGalleryOptions(server.ConnectionString) { Schema = PostgresServer.NewSchema(), KeyFile = server.NewKeyFile() };
        var nodes = new List<IFaceGallery>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                nodes.Add(await PostgresGallery.OpenAsync(options, model));
            }

            long enrolled = 0;
            bool counting = false;
            using var stop = new CancellationTokenSource();
            var clock = new Stopwatch();
            var loops = nodes.SelectMany((node, i) => Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (int k = 0; !stop.IsCancellationRequested; k++)
                {
                    var batch = Enumerable.Range(0, perEnrolment).Select(f => faces[(k * perEnrolment + f + c * 97 + i * 389) % faces.Length]).ToList();
                    await node.AddFacesAsync($"n{i}-c{c}-{k}", batch, "bench");
                    if (Volatile.Read(ref counting))
                    {
                        Interlocked.Add(ref enrolled, perEnrolment);
                    }
                }
            }))).ToList();

            await Task.Delay(TimeSpan.FromSeconds(1));   // warm-up: connections opened, code jitted
            Volatile.Write(ref counting, true);
            clock.Start();
            await Task.Delay(duration);
            long counted = Interlocked.Read(ref enrolled);
            double elapsed = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            return counted / elapsed;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
