using System.Diagnostics;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Bench;

/// <summary>
/// How fast a large gallery opens: filled through the library's own enrolment (SQLite, one transaction a subject), then
/// opened from the database (every row read, then the index file written) and from its index file, next to a plain
/// sequential read of that file in the same run (the floor); then its memory a face and its search rate once open.
/// </summary>
internal static class GalleryOpenBench
{
    private const int Probes = 64;

    public static async Task RunAsync(BenchOptions options)
    {
        int faces = options.Int("--faces", 1_000_000), dim = options.Int("--dim", 512), perSubject = options.Int("--faces-per-subject", 100);
        var index = new Search.GalleryIndexOptions { ApproximateFrom = options.Int("--approximate-from", 0) };
        string folder = Directory.CreateTempSubdirectory("arcface-gallery-bench-").FullName;
        try
        {
            string path = Path.Combine(folder, "gallery.db"), file = path + "-index";
            var rng = new Random(1);
            string kind = options.Value("--data") ?? "random";
            Func<float[]> draw = kind switch
            {
                "random" => () => SearchBench.RandomUnit(rng, dim),
                "real" => SearchBench.RealDraw(options, [], dim, rng),   // an HNSW graph builds several times faster on faces than on random vectors
                _ => throw new ArgumentException($"--data takes random or real, not '{kind}'."),
            };
            var model = new ModelIdentity(kind == "real" ? "real embeddings with noise" : "random unit vectors", new string('0', 64), 1, dim);
            var fill = Stopwatch.StartNew();
            // Filled exact (the graph is built at the opens measured below, not in the fill's rate).
            await using (var gallery = await SqliteGallery.OpenAsync(path, model, index with { ApproximateFrom = 0 }))
            {
                for (int s = 0; s * perSubject < faces; s++)
                {
                    var batch = Enumerable.Range(0, Math.Min(perSubject, faces - (s * perSubject))).Select(_ => new NewFace(draw(), [])).ToList();
                    await gallery.AddFacesAsync($"subject {s}", batch, "bench");
                    if (s % Math.Max(1, faces / perSubject / 10) == 0)
                    {
                        Console.Error.WriteLine($"  filled {(s + 1) * perSubject:N0} faces in {fill.Elapsed.TotalSeconds:F0} s");
                    }
                }

                fill.Stop();
            }

            long databaseBytes = new FileInfo(path).Length;
            Console.WriteLine($"gallery open: {faces:N0} faces x {dim}-d {model.Name} ({perSubject} a subject), SQLite {databaseBytes / 1e9:F2} GB, filled at {faces / fill.Elapsed.TotalSeconds:F0} faces/s (one transaction a subject); medians of {options.Repeats}, page cache warm");
            if (index.ApproximateFrom > 0)
            {
                Console.WriteLine($"  HNSW graph from {index.ApproximateFrom:N0} faces (connectivity {index.Hnsw.Connectivity}, efConstruction {index.Hnsw.ExpansionAdd}): built at an open from the database (then written with the index file and read back), read from the file at the others");
            }

            var fromDatabase = new List<double>();
            for (int r = 0; r < Math.Max(1, options.Repeats / 2); r++)
            {
                File.Delete(file);
                fromDatabase.Add(await OpenSeconds(path, model, index, "database"));
            }

            var fromFile = Enumerable.Range(0, options.Repeats).Select(_ => OpenSeconds(path, model, index, "file").GetAwaiter().GetResult()).ToList();
            long fileBytes = new FileInfo(file).Length;
            double floor = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => ReadSeconds(file)));
            double parse = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => ParseSeconds(file, dim)));
            Console.WriteLine($"  from the database (every row read, then the index file written): {Stats.Median(fromDatabase),6:F2} s");
            Console.WriteLine($"  from the index file ({fileBytes / 1e9:F2} GB):                        {Stats.Median(fromFile),6:F2} s; a plain read of the file {floor:F2} s ({fileBytes / floor / 1e9:F1} GB/s), {Stats.Median(fromFile) / floor:F1}x that floor; the index read from it alone {parse:F2} s");

            Collect();
            long fileBefore = MappedResident();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var open = await SqliteGallery.OpenAsync(path, model, index);
            long held = GC.GetTotalAllocatedBytes(precise: true) - before;
            var probes = Enumerable.Range(0, Probes).Select(_ => draw()).ToList();
            double qps = SearchRate(open, probes, options.Repeats);
            Collect();
            long fileAfter = MappedResident();
            await open.DisposeAsync();
            Console.WriteLine($"  in memory: {held / (double)faces:F0} bytes a face (allocated by the open from the file, transient buffers included); top-10 subjects (faces and templates) {qps:F1} searches/s");
            Console.WriteLine($"  besides: {(fileAfter - fileBefore) / (double)faces:F0} bytes a face of the index file resident in the mapping after the searches (the half-precision copies they re-score from, and the graph when there is one: page cache, shared and reclaimable)");
            if (index.ApproximateFrom > 0)
            {
                // The other way to read the file: its copies and graph into memory at open, not used from the mapping.
                var loading = index with { MapIndexFile = false };
                double loadedOpen = Stats.Median(Enumerable.Range(0, options.Repeats).Select(_ => OpenSeconds(path, model, loading, "file").GetAwaiter().GetResult()));
                await using var loaded = await SqliteGallery.OpenAsync(path, model, loading);
                double loadedQps = SearchRate(loaded, probes, options.Repeats);
                Console.WriteLine($"  the index file read into memory at open instead (GalleryIndexOptions.MapIndexFile false): opened in {loadedOpen:F2} s, {loadedQps:F1} searches/s ({loadedQps / qps:F2}x mapped)");
            }

            var (mapped, inMemory) = MappedAgainstInMemory(file, dim, probes, options.Repeats);
            Console.WriteLine($"  the index alone (exact), copies mapped from the file: {mapped:F1} searches/s; read into memory: {inMemory:F1} ({mapped / inMemory:F2}x)");
            await RemoteWritesAsync(path, model, index, draw, probes, options.Int("--remote-writes", 20), Stats.Median(fromDatabase));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Two galleries on the one file, as two processes would hold it: each write on one (a new subject of one face) is
    /// followed by a search on the other, which first takes that commit from the change feed; its time beside the same
    /// search with no write before it, and beside loading everything again (what each remote commit cost before the feed).
    /// </summary>
    private static async Task RemoteWritesAsync(string path, ModelIdentity model, Search.GalleryIndexOptions index, Func<float[]> draw, List<float[]> probes, int writes, double fullLoadSeconds)
    {
        await using var writer = await SqliteGallery.OpenAsync(path, model, index);
        await using var reader = (FaceGallery)await SqliteGallery.OpenAsync(path, model, index);
        int loads = reader.IndexFullLoads;
        var quiet = new List<double>();
        var afterWrite = new List<double>();
        for (int w = 0; w < writes; w++)
        {
            var probe = probes[w % probes.Count];
            quiet.Add(await SearchMs(reader, probe));
            var face = draw();
            await writer.AddFacesAsync($"remote {w}", [new NewFace(face, [])], "bench");
            afterWrite.Add(await SearchMs(reader, face));
            if ((await reader.SearchAsync(face, 1, SubjectScoring.BestFace))[0].Subject != $"remote {w}")
            {
                throw new InvalidOperationException("The other gallery did not see the write.");
            }
        }

        Console.WriteLine($"  a write on one gallery, then a search on another open on the same file ({writes} writes): {Stats.Median(afterWrite):F1} ms (slowest {afterWrite.Max():F1}) against {Stats.Median(quiet):F1} ms with no write before it; " +
            $"{reader.IndexFullLoads - loads} full loads, {reader.IndexChangesApplied} subjects taken from the change feed (a full load: {fullLoadSeconds:F2} s)");
    }

    private static async Task<double> SearchMs(IFaceGallery gallery, float[] probe)
    {
        var watch = Stopwatch.StartNew();
        GC.KeepAlive(await gallery.SearchAsync(probe, 10, SubjectScoring.Both));
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Top-10 subject searches a second (faces and templates), the median over repeats.</summary>
    internal static double SearchRate(IFaceGallery gallery, List<float[]> probes, int repeats) => Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
    {
        var watch = Stopwatch.StartNew();
        foreach (var probe in probes)
        {
            GC.KeepAlive(gallery.SearchAsync(probe, 10, SubjectScoring.Both).GetAwaiter().GetResult());
        }

        return probes.Count / watch.Elapsed.TotalSeconds;
    }));

    private static async Task<double> OpenSeconds(string path, ModelIdentity model, Search.GalleryIndexOptions index, string expected)
    {
        Collect();
        var watch = Stopwatch.StartNew();
        await using var gallery = (FaceGallery)await SqliteGallery.OpenAsync(path, model, index);
        double seconds = watch.Elapsed.TotalSeconds;
        if (gallery.IndexLoadedFrom != expected)
        {
            throw new InvalidOperationException($"The gallery loaded its index from the {gallery.IndexLoadedFrom}, not the {expected}.");
        }

        // From the database the graph is built, written with the index file and read back with it (as the copies are).
        if (gallery.IndexGraphRead != (index.ApproximateFrom is > 0 && index.ApproximateFrom <= await gallery.CountFacesAsync()))
        {
            throw new InvalidOperationException("The gallery's graph was not read back from its index file.");
        }

        return seconds;
    }

    private static double ParseSeconds(string file, int dim)
    {
        Collect();
        var watch = Stopwatch.StartNew();
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var index = ReadIndex(stream, dim);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The index as the gallery reads it from its file (past the stamp), always exact.</summary>
    private static MemorySubjectIndex ReadIndex(Stream stream, int dim, bool map = true)
    {
        GC.KeepAlive(MemorySubjectIndex.ReadStamp(stream));
        return MemorySubjectIndex.Read(stream, dim, new Search.GalleryIndexOptions { ApproximateFrom = 0, MapIndexFile = map });
    }

    /// <summary>Top-10 subject searches a second of the exact index read from the file twice: its copies mapped, and read into memory.</summary>
    private static (double Mapped, double InMemory) MappedAgainstInMemory(string file, int dim, List<float[]> probes, int repeats)
    {
        double Rate(bool map)
        {
            Collect();
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var index = ReadIndex(stream, dim, map);
            return Stats.Median(Enumerable.Range(0, repeats).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                foreach (var probe in probes)
                {
                    GC.KeepAlive(index.TopAsync(probe, 10, SubjectScoring.Both).GetAwaiter().GetResult());
                }

                return probes.Count / watch.Elapsed.TotalSeconds;
            }));
        }

        return (Rate(map: true), Rate(map: false));
    }

    /// <summary>A fresh process has no garbage of earlier opens to collect: none is left for the next measurement to pay.</summary>
    private static void Collect()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The process's resident file-backed bytes (Linux's RssFile; 0 elsewhere).</summary>
    private static long MappedResident() => File.Exists("/proc/self/status")
        ? File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("RssFile:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["RssFile:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024).FirstOrDefault()
        : 0;

    private static double ReadSeconds(string file)
    {
        var buffer = new byte[1 << 20];
        var watch = Stopwatch.StartNew();
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        while (stream.Read(buffer) > 0)
        {
        }

        return watch.Elapsed.TotalSeconds;
    }
}
