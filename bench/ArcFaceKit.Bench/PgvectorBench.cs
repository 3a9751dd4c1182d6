using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.TestSupport;
using Npgsql;

namespace ArcFaceKit.Bench;

/// <summary>
/// PostgreSQL at a million faces, in a private server started for the run: the library's PostgreSQL gallery (bulk
/// enrolment through its own API, an open from the database, top-10 subject searches) next to pgvector on the same
/// vectors (a bulk COPY, then exact scans and HNSW indexes over vector and halfvec: build time, size, recall@10 against
/// fp32 exact, latency), and the library's in-memory 8-bit scan and HNSW graph on them, all in the same run.
/// </summary>
internal static class PgvectorBench
{
    private const int Queries = 64;

    // An exact scan reads the whole table a query: fewer of them keep the run short.
    private const int ExactQueries = 8;

    public static async Task RunAsync(BenchOptions options)
    {
        int n = options.Int("--n", 1_000_000), dim = options.Int("--dim", 128), perSubject = options.Int("--faces-per-subject", 100);
        int m = options.Int("--pg-m", 16), efConstruction = options.Int("--pg-ef-construction", 64);
        int[] efSearch = [.. (options.Value("--pg-ef-search") ?? "40,128").Split(',').Select(int.Parse)];
        string kind = options.Value("--data") ?? "real";
        var rng = new Random(1);
        Func<float[]> draw = kind switch
        {
            "random" => () => SearchBench.RandomUnit(rng, dim),
            "real" => SearchBench.RealDraw(options, [], dim, rng),
            _ => throw new ArgumentException($"--data takes random or real, not '{kind}'."),
        };
        var vectors = Enumerable.Range(0, n).Select(_ => draw()).ToList();
        var queries = Enumerable.Range(0, Queries).Select(_ => draw()).ToList();
        var exact = new ExactFaceIndex(dim);
        for (int i = 0; i < n; i++)
        {
            exact.Upsert(i, vectors[i]);
        }

        var truth = queries.Select(q => exact.Search(q, 10).Select(h => h.Id).ToHashSet()).ToList();
        Console.WriteLine($"pgvector: {n:N0} x {dim}-d {(kind == "real" ? "real embeddings with noise" : "random unit vectors")}, top-10 by inner product, {Queries} queries ({ExactQueries} for exact scans), one connection, medians of {options.Repeats}; PostgreSQL 15, pgvector {PgvectorVersion()}, {Environment.ProcessorCount} cores");

        using var server = new PostgresServer();
        await OurGalleryAsync(server, vectors, perSubject, queries, options.Repeats);
        await SearchModesAsync(server, vectors, queries, options.Int("--modes-faces-per-subject", 10), options.Repeats);
        await using var data = NpgsqlDataSource.Create(server.ConnectionString);
        await using var connection = await data.OpenConnectionAsync();
        await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE faces (id bigint PRIMARY KEY, e vector(" + dim + "))");
        var load = Stopwatch.StartNew();
        await using (var writer = await connection.BeginTextImportAsync("COPY faces (id, e) FROM STDIN"))
        {
            for (int i = 0; i < n; i++)
            {
                await writer.WriteLineAsync($"{i}\t{Literal(vectors[i])}");
            }
        }

        await ExecuteAsync(connection, "VACUUM ANALYZE faces");
        double loadSeconds = load.Elapsed.TotalSeconds;
        Console.WriteLine($"  pgvector table: COPY of {n:N0} rows (text) and VACUUM ANALYZE in {loadSeconds:F0} s ({n / loadSeconds:F0} rows/s); table {await SizeAsync(connection, "faces")}");

        await ExecuteAsync(connection, "SET max_parallel_workers_per_gather = " + Environment.ProcessorCount);
        await QueriesAsync(connection, "pgvector exact (parallel sequential scan, no index)", $"SELECT id FROM faces ORDER BY e <#> $1::vector LIMIT 10", queries.Take(ExactQueries).ToList(), truth, options.Repeats);

        // Every core for the build (the leader plus workers) and room for the whole graph in memory.
        await ExecuteAsync(connection, $"SET maintenance_work_mem = '8GB'; SET max_parallel_maintenance_workers = {Environment.ProcessorCount - 1}");
        foreach (var (type, operators, expression, cast) in new[]
        {
            ("vector", "vector_ip_ops", "e", "::vector"),
            ("halfvec", "halfvec_ip_ops", $"(e::halfvec({dim}))", $"::halfvec({dim})"),
        })
        {
            var build = Stopwatch.StartNew();
            await ExecuteAsync(connection, $"CREATE INDEX faces_hnsw ON faces USING hnsw ({expression} {operators}) WITH (m = {m}, ef_construction = {efConstruction})");
            double seconds = build.Elapsed.TotalSeconds;
            Console.WriteLine($"  pgvector HNSW over {type} (m {m}, ef_construction {efConstruction}): built in {seconds:F0} s ({n / seconds:F0} vectors/s), index {await SizeAsync(connection, "faces_hnsw")}");
            foreach (int ef in efSearch)
            {
                await ExecuteAsync(connection, $"SET hnsw.ef_search = {ef}");
                await QueriesAsync(connection, $"  ef_search {ef,4}", $"SELECT id FROM faces ORDER BY {expression} <#> $1{cast} LIMIT 10", queries, truth, options.Repeats);
            }

            await ExecuteAsync(connection, "DROP INDEX faces_hnsw");
        }

        Ours(vectors, queries, truth, options.Repeats);
    }

    /// <summary>The library's PostgreSQL gallery: bulk enrolment through its API, an open from the database, and its top-10 subject searches.</summary>
    private static async Task OurGalleryAsync(PostgresServer server, List<float[]> vectors, int perSubject, List<float[]> queries, int repeats)
    {
        var model = new ModelIdentity("bench vectors", new string('0', 64), 1, vectors[0].Length);
        var options = new PostgresGalleryOptions(server.ConnectionString) { Schema = "bench", KeyFile = server.NewKeyFile() };
        var fill = Stopwatch.StartNew();
        await using (var gallery = await PostgresGallery.OpenAsync(options, model))
        {
            for (int start = 0; start < vectors.Count; start += perSubject)
            {
                var faces = vectors.Skip(start).Take(perSubject).Select(v => new NewFace(v, [])).ToList();
                await gallery.AddFacesAsync($"subject {start / perSubject}", faces, "bench");
            }
        }

        double fillSeconds = fill.Elapsed.TotalSeconds;
        var open = Stopwatch.StartNew();
        await using var reopened = await PostgresGallery.OpenAsync(options, model);
        double openSeconds = open.Elapsed.TotalSeconds;
        double rate = GalleryOpenBench.SearchRate(reopened, queries, repeats);
        Console.WriteLine($"  the library's PostgreSQL gallery: enrolled {vectors.Count:N0} faces ({perSubject} a subject, one transaction each, sealed) in {fillSeconds:F0} s ({vectors.Count / fillSeconds:F0} faces/s); opened from the database in {openSeconds:F1} s; top-10 subjects (faces and templates, exact 8-bit scan in memory) {rate:F1} searches/s ({1000 / rate:F1} ms)");
    }

    /// <summary>
    /// The library's PostgreSQL gallery searched in memory and in the database (pgvector), through its own API: top-10
    /// subjects by best face, recall@10 against the subjects fp32 exact scoring ranks first; build times (enrolment; the
    /// graph's build at open; the copies and pgvector's HNSW made at the switch to the database, and enrolment into a
    /// gallery searched there from the start), then each mode exactly and through HNSW.
    /// </summary>
    private static async Task SearchModesAsync(PostgresServer server, List<float[]> vectors, List<float[]> queries, int perSubject, int repeats)
    {
        var model = new ModelIdentity("bench vectors", new string('0', 64), 1, vectors[0].Length);
        var truth = queries.Select(q => vectors.Select((v, i) => (Subject: (long)(i / perSubject), Similarity: TensorPrimitives.Dot(v, q)))
            .GroupBy(f => f.Subject).Select(g => (g.Key, Best: g.Max(f => f.Similarity))).OrderByDescending(g => g.Best).Take(10).Select(g => g.Key).ToHashSet()).ToList();
        var options = new PostgresGalleryOptions(server.ConnectionString) { Schema = "modes", KeyFile = server.NewKeyFile(), Search = PostgresSearch.InMemory };
        var direct = options with { Schema = "modes_direct", KeyFile = server.NewKeyFile(), Search = PostgresSearch.Database };
        var fill = new Dictionary<string, double>();
        foreach (var gallery in new[] { options, direct })
        {
            var watch = Stopwatch.StartNew();
            await using var opened = await PostgresGallery.OpenAsync(gallery, model);
            for (int start = 0; start < vectors.Count; start += perSubject)
            {
                var faces = vectors.Skip(start).Take(perSubject).Select(v => new NewFace(v, [])).ToList();
                await opened.AddFacesAsync((start / perSubject).ToString(CultureInfo.InvariantCulture), faces, "bench");
            }

            fill[gallery.Schema] = watch.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"  search modes, {perSubject} faces a subject, top-10 subjects by best face through the gallery's API; enrolment (a transaction a subject): searched in memory {fill["modes"]:F0} s, in the database (pgvector's HNSW kept in step) {fill["modes_direct"]:F0} s");
        async Task ModeAsync(string label, PostgresGalleryOptions mode)
        {
            var watch = Stopwatch.StartNew();
            await using var gallery = await PostgresGallery.OpenAsync(mode, model);
            double open = watch.Elapsed.TotalSeconds;
            var (latency, recall) = Measure(
                q => gallery.SearchAsync(q, 10, SubjectScoring.BestFace).GetAwaiter().GetResult().Select(m => long.Parse(m.Subject, CultureInfo.InvariantCulture)), queries, truth, repeats);
            Console.WriteLine($"    {label}: opened in {open,6:F1} s; {latency,7:F2} ms a search ({1000 / latency:F1}/s), recall@10 {recall * 100:F2}%");
        }

        await ModeAsync("in memory, exact 8-bit scan", options);
        await ModeAsync("in memory, HNSW (graph built at open)", options with { Index = new GalleryIndexOptions { ApproximateFrom = 1 } });
        var pgvector = new PgvectorOptions();
        string searched = vectors.Count >= pgvector.ApproximateFrom ? $"HNSW ef_search {pgvector.EfSearch} re-scored" : $"exact scan (under {pgvector.ApproximateFrom:N0} faces)";
        await ModeAsync($"switched to the database (copies and HNSW m {pgvector.M}, ef_construction {pgvector.EfConstruction} built at open), {searched}", options with { Search = PostgresSearch.Database });
        await ModeAsync("in the database, exact scan (re-scored)", options with { Search = PostgresSearch.Database, Pgvector = pgvector with { ApproximateFrom = 0 } });
        await ModeAsync($"in the database from the start, {searched}", direct);
    }

    /// <summary>The library's in-memory search on the same vectors: the exact 8-bit scan and its HNSW graph (defaults).</summary>
    private static void Ours(List<float[]> vectors, List<float[]> queries, List<HashSet<long>> truth, int repeats)
    {
        int dim = vectors[0].Length;
        using var int8 = new Int8FaceIndex(dim);
        for (int i = 0; i < vectors.Count; i++)
        {
            int8.Upsert(i, vectors[i]);
        }

        var (latency, recall) = Measure(q => int8.Search(q, 10).Select(h => h.Id), queries, truth, repeats);
        Console.WriteLine($"  the library in memory, exact 8-bit scan ({Environment.ProcessorCount} cores a query): {latency,7:F2} ms a query ({1000 / latency:F1}/s), recall@10 {recall * 100:F2}%");
        using var graph = new HnswFaceIndex(dim);
        var watch = Stopwatch.StartNew();
        graph.AddMany([.. Enumerable.Range(0, vectors.Count).Select(i => (long)i)], vectors);
        double build = watch.Elapsed.TotalSeconds;
        (latency, recall) = Measure(q => graph.Search(q, 10).Select(h => h.Id), queries, truth, repeats);
        Console.WriteLine($"  the library in memory, HNSW (M {new HnswOptions().Connectivity}, efConstruction {new HnswOptions().ExpansionAdd}, efSearch {graph.ExpansionSearch}): built in {build:F0} s; {latency,7:F2} ms a query ({1000 / latency:F1}/s), recall@10 {recall * 100:F2}%");
    }

    private static async Task QueriesAsync(NpgsqlConnection connection, string label, string sql, List<float[]> queries, List<HashSet<long>> truth, int repeats)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var parameter = command.Parameters.Add(new NpgsqlParameter { Value = string.Empty });
        await command.PrepareAsync();
        var (latency, recall) = Measure(
            q =>
            {
                parameter.Value = Literal(q);
                using var reader = command.ExecuteReader();
                var ids = new List<long>(10);
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }

                return ids;
            },
            queries,
            truth,
            repeats);
        Console.WriteLine($"  {label}: {latency,8:F2} ms a query ({1000 / latency:F1}/s), recall@10 {recall * 100:F2}%");
    }

    /// <summary>The median over repeats of the mean latency (ms) a query, and the recall@10 of the answers against fp32 exact.</summary>
    private static (double Milliseconds, double Recall) Measure(Func<float[], IEnumerable<long>> search, List<float[]> queries, List<HashSet<long>> truth, int repeats)
    {
        double recall = SearchBench.Recall(search, queries, truth);
        double milliseconds = Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            foreach (var q in queries)
            {
                GC.KeepAlive(search(q).ToList());
            }

            return watch.Elapsed.TotalMilliseconds / queries.Count;
        }));
        return (milliseconds, recall);
    }

    private static string Literal(float[] vector)
    {
        var text = new StringBuilder("[", vector.Length * 12);
        for (int i = 0; i < vector.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(vector[i].ToString("R", CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> SizeAsync(NpgsqlConnection connection, string relation)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_total_relation_size('{relation}')", connection);
        long bytes = (long)(await command.ExecuteScalarAsync())!;
        return $"{bytes / 1e6:F0} MB";
    }

    private static string PgvectorVersion() => File.Exists(PostgresServer.PgvectorControl)
        ? File.ReadLines(PostgresServer.PgvectorControl).FirstOrDefault(l => l.StartsWith("default_version", StringComparison.Ordinal))?.Split('\'')[1] ?? "?"
        : "?";
}
