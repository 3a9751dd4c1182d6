using System.Diagnostics;
using System.Globalization;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.TestSupport;

namespace ArcFaceKit.Bench;

/// <summary>
/// Several gallery nodes on one PostgreSQL, each its own process holding its own index of N faces (issue 33, item 4):
/// a writer node enrols at a steady rate while searcher nodes serve searches at a steady rate; measured are the
/// searchers' latency with and without the writes, and how long after its commit a write is found by a search on
/// another node (the commit's and the find's monotonic clock times, one clock for every process of the machine). Then a
/// searcher is stopped, the writer makes many writes, and the searcher is started again from its index file: the time
/// until it answers a search that sees the last of them. Faces are random unit vectors drawn from their number, so
/// every process makes the same ones; searches are top-10 subjects, faces and templates.
/// </summary>
internal static class NodesBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        int n = options.Int("--n", 1_000_000), dim = options.Int("--dim", 128), perSubject = options.Int("--faces-per-subject", 100);
        int writeRate = options.Int("--write-rate", 50), searchRate = options.Int("--search-rate", 20), seconds = options.Int("--seconds", 20);
        int remote = options.Int("--remote-writes", 10_000);
        Console.WriteLine($"nodes: {n:N0} faces of {dim}-d ({perSubject} a subject) on one PostgreSQL 15, each node a process with its own index; "
            + $"{writeRate} writes/s on one node, {searchRate} searches/s on each other, {seconds} s a phase; {Environment.ProcessorCount} cores shared by all");

        using var server = new PostgresServer();
        var gallery = new PostgresGalleryOptions(server.ConnectionString) { Schema = "nodes", KeyFile = server.NewKeyFile() };
        var fill = Stopwatch.StartNew();
        await using (var store = await PostgresGallery.OpenAsync(gallery, Model(dim)))
        {
            for (int start = 0; start < n; start += perSubject)
            {
                await store.AddFacesAsync($"subject {start / perSubject}", [.. Enumerable.Range(start, Math.Min(perSubject, n - start)).Select(i => new NewFace(Face(i, dim), []))], "bench");
            }
        }

        Console.WriteLine($"  filled in {fill.Elapsed.TotalSeconds:F0} s");
        string[] common = ["--connection", server.ConnectionString, "--schema", gallery.Schema, "--keys", gallery.KeyFile!, "--dim", Str(dim), "--n", Str(n)];
        string folder = Directory.CreateTempSubdirectory("arcface-nodes-").FullName;
        var nodes = new List<Node>();
        try
        {
            var writer = await Node.StartAsync("writer", common, Path.Combine(folder, "writer.index"));
            var first = await Node.StartAsync("searcher", common, Path.Combine(folder, "b.index"), searchRate);
            nodes.AddRange([writer, first]);
            Console.WriteLine($"  opened from the database: writer {writer.OpenSeconds:F1} s, searcher {first.OpenSeconds:F1} s");
            int written = 0;
            for (int processes = 2; processes <= 3; processes++)
            {
                if (processes == 3)
                {
                    var second = await Node.StartAsync("searcher", common, Path.Combine(folder, "c.index"), searchRate);
                    nodes.Add(second);
                    Console.WriteLine($"  a second searcher opened from the database in {second.OpenSeconds:F1} s");
                }

                var searchers = nodes.Skip(1).ToList();
                await PhaseAsync(searchers, "warm-up", () => Task.Delay(TimeSpan.FromSeconds(5)));   // code compiled, caches filled: not counted
                await PhaseAsync(searchers, "quiet", () => Task.Delay(TimeSpan.FromSeconds(seconds)));
                var cpu = CpuSeconds.Of(writer.ProcessId, server.DataDirectory);
                var phaseClock = Stopwatch.StartNew();
                int before = written;
                await PhaseAsync(searchers, "writes", async () => written = await WriteSteadilyAsync(writer, searchers, written, writeRate, TimeSpan.FromSeconds(seconds)));
                var (writerCpu, databaseCpu) = cpu.Since(phaseClock.Elapsed);
                Console.WriteLine($"  {processes} processes: {written - before} writes in the {seconds} s phase ({(written - before) / (double)seconds:F0}/s), "
                    + $"the writer's process using {writerCpu:P0} of a core and PostgreSQL {databaseCpu:P0} meanwhile");
                foreach (var (searcher, i) in searchers.Select((s, i) => (s, i)))
                {
                    var quiet = await searcher.ReportAsync("quiet");
                    var busy = await searcher.ReportAsync("writes");
                    Console.WriteLine($"    searcher {i + 1}: searches p50 {quiet.P50:F1} / p99 {quiet.P99:F1} ms with no writes, p50 {busy.P50:F1} / p99 {busy.P99:F1} ms beside the writes "
                        + $"({busy.P99 / quiet.P99:F2}x at p99; catching up with the feed p99 {busy.CatchUpP99:F1} ms of it); a remote write found after p50 {busy.DelayP50:F0} / p99 {busy.DelayP99:F0} ms ({busy.Delays} writes)");
                }
            }

            // A restart after many remote writes: from the index file it wrote at close, then the feed.
            var restarted = nodes[1];
            await restarted.StopAsync();
            var burst = Stopwatch.StartNew();
            written = await writer.BurstAsync(written, remote);
            Console.WriteLine($"  {remote:N0} remote writes in {burst.Elapsed.TotalSeconds:F0} s while the searcher was down");
            var again = await Node.StartAsync("searcher", common, Path.Combine(folder, "b.index"), searchRate);
            nodes[1] = again;
            double served = await again.FirstFindAsync(written - 1);
            Console.WriteLine($"  restarted: opened in {again.OpenSeconds:F1} s ({again.LoadedFrom}), serving a search that sees the last remote write {served:F1} s after its process started");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A node's process: <c>bench nodes-node ROLE ...</c>, driven by lines on its standard input.</summary>
    public static async Task ChildAsync(BenchOptions options)
    {
        int dim = options.Int("--dim", 128), n = options.Int("--n", 0);
        var gallery = new PostgresGalleryOptions(options.Value("--connection")!)
        {
            Schema = options.Value("--schema")!, KeyFile = options.Value("--keys"), IndexFile = options.Value("--index"),
        };
        var open = Stopwatch.StartNew();
        await using var store = (FaceGallery)await PostgresGallery.OpenAsync(gallery, Model(dim));
        Console.WriteLine(FormattableString.Invariant($"open {open.Elapsed.TotalSeconds} {store.IndexLoadedFrom?.Replace(' ', '_')}"));
        if (options.Value("--role") == "writer")
        {
            await WriterAsync(store, n, dim);
        }
        else
        {
            await SearcherAsync(store, n, dim, options.Int("--search-rate", 20));
        }
    }

    private static async Task WriterAsync(IFaceGallery store, int n, int dim)
    {
        while (Console.ReadLine() is { } line && line != "quit")
        {
            string[] words = line.Split(' ');
            int from = int.Parse(words[1], CultureInfo.InvariantCulture), count = words[0] == "burst" ? int.Parse(words[2], CultureInfo.InvariantCulture) : 1;
            for (int i = from; i < from + count; i++)
            {
                await store.AddFacesAsync(Written(i), [new NewFace(Face(n + i, dim), [])], "bench");
                if (words[0] == "write")
                {
                    Console.WriteLine(FormattableString.Invariant($"committed {i} {Stopwatch.GetTimestamp()}"));
                }
            }

            if (words[0] == "burst")
            {
                Console.WriteLine("done");
            }
        }
    }

    /// <summary>
    /// Searches at a steady rate (each one's latency kept for the phase), and between them looks for the writes it was
    /// told of until each is found. Commands: "phase NAME", "watch I TIMESTAMP [tell]", "report NAME", "quit".
    /// </summary>
    private static async Task SearcherAsync(IFaceGallery store, int n, int dim, int rate)
    {
        var gate = new Lock();
        var phases = new Dictionary<string, (List<double> Searches, List<double> CatchUps, List<double> Delays)>();
        var watched = new List<(int Written, long Committed)>();
        var told = new HashSet<int>();   // watches to answer "found" for (the others only count, so no pipe fills up)
        string? phase = null;
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            var rng = new Random(Environment.ProcessId);
            var every = TimeSpan.FromSeconds(1.0 / rate);
            var next = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                List<(int Written, long Committed)> pending;
                lock (gate)
                {
                    pending = [.. watched];
                }

                foreach (var (written, committed) in pending)
                {
                    var top = await store.SearchAsync(Face(n + written, dim), 1, SubjectScoring.Both);
                    long found = Stopwatch.GetTimestamp();
                    if (top.Count > 0 && top[0].Subject == Written(written))
                    {
                        lock (gate)
                        {
                            watched.Remove((written, committed));
                            if (phase is not null)
                            {
                                phases[phase].Delays.Add(Stopwatch.GetElapsedTime(committed, found).TotalMilliseconds);
                            }
                        }

                        if (told.Remove(written))
                        {
                            Console.WriteLine(FormattableString.Invariant($"found {written} {found}"));
                        }
                    }
                }

                // A search as a client's: catching up with the feed (the count reads nothing else), then the search itself, timed apart.
                long start = Stopwatch.GetTimestamp();
                await store.CountFacesAsync();
                long synced = Stopwatch.GetTimestamp();
                await store.SearchAsync(Face(rng.Next(n), dim), 10, SubjectScoring.Both);
                long done = Stopwatch.GetTimestamp();
                lock (gate)
                {
                    if (phase is not null)
                    {
                        phases[phase].Searches.Add(Stopwatch.GetElapsedTime(start, done).TotalMilliseconds);
                        phases[phase].CatchUps.Add(Stopwatch.GetElapsedTime(start, synced).TotalMilliseconds);
                    }
                }

                next += (long)(every.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
                else
                {
                    next = Stopwatch.GetTimestamp();   // behind: no burst to catch up
                }
            }
        });

        while (Console.ReadLine() is { } line && line != "quit")
        {
            string[] words = line.Split(' ');
            lock (gate)
            {
                switch (words[0])
                {
                    case "phase":
                        phase = words[1];
                        phases[phase] = ([], [], []);
                        break;
                    case "watch":
                        watched.Add((int.Parse(words[1], CultureInfo.InvariantCulture), long.Parse(words[2], CultureInfo.InvariantCulture)));
                        if (words is [_, var tell, _, "tell"])
                        {
                            told.Add(int.Parse(tell, CultureInfo.InvariantCulture));
                        }

                        break;
                    case "report":
                        var (searches, catchUps, delays) = phases[words[1]];
                        Console.WriteLine(FormattableString.Invariant(
                            $"report {Percentile(searches, 0.5)} {Percentile(searches, 0.99)} {Percentile(catchUps, 0.99)} {Percentile(delays, 0.5)} {Percentile(delays, 0.99)} {delays.Count}"));
                        break;
                }
            }
        }

        await stop.CancelAsync();
        await loop;
    }

    /// <summary>Sends writes to the writer at a steady rate for the duration, each commit passed on to the searchers to look for; returns the next write's number.</summary>
    private static async Task<int> WriteSteadilyAsync(Node writer, List<Node> searchers, int next, int rate, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        for (int k = 0; clock.Elapsed < duration; k++, next++)
        {
            var (written, committed) = await writer.WriteAsync(next);
            foreach (var searcher in searchers)
            {
                searcher.Send($"watch {written} {committed}");
            }

            var due = TimeSpan.FromSeconds((k + 1) / (double)rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2));   // the last writes found before the phase ends
        return next;
    }

    private static async Task PhaseAsync(List<Node> searchers, string name, Func<Task> during)
    {
        foreach (var searcher in searchers)
        {
            searcher.Send($"phase {name}");
        }

        await during();
    }

    private static ModelIdentity Model(int dim) => new("bench vectors", new string('0', 64), 1, dim);

    private static float[] Face(int number, int dim) => SearchBench.RandomUnit(new Random(number), dim);

    private static string Written(int i) => $"written {i}";

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Percentile(List<double> values, double q) => Stats.Percentile([.. values.Order()], q);

    /// <summary>The CPU time (user + system, from /proc) of the writer's process and of PostgreSQL's (its postmaster and children) since it was read, as a share of one core.</summary>
    private sealed record CpuSeconds(int Writer, int Postmaster, double WriterStart, double DatabaseStart)
    {
        private const double Tick = 100;   // USER_HZ on Linux

        public static CpuSeconds Of(int writer, string dataDirectory)
        {
            int postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            return new CpuSeconds(writer, postmaster, Of(p => p == writer), Database(postmaster));
        }

        public (double Writer, double Database) Since(TimeSpan elapsed) =>
            ((Of(p => p == Writer) - WriterStart) / elapsed.TotalSeconds, (Database(Postmaster) - DatabaseStart) / elapsed.TotalSeconds);

        private static double Database(int postmaster) => Of(p => p == postmaster || Parent(p) == postmaster);

        /// <summary>Seconds of CPU of the processes <paramref name="chosen"/> picks by pid.</summary>
        private static double Of(Func<int, bool> chosen) => Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out int pid) ? pid : 0)
            .Where(pid => pid > 0 && chosen(pid)).Sum(pid => Fields(pid) is { } f ? (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) / Tick : 0);

        private static int Parent(int pid) => Fields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : 0;

        /// <summary>/proc/PID/stat after the command's name (field 3 on), or null when the process is gone.</summary>
        private static string[]? Fields(int pid)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private sealed record Report(double P50, double P99, double CatchUpP99, double DelayP50, double DelayP99, int Delays);

    /// <summary>One node's process, its answers read line by line.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly long _started;

        private Node(Process process, long started) => (_process, _started) = (process, started);

        public int ProcessId => _process.Id;

        public double OpenSeconds { get; private set; }

        public string LoadedFrom { get; private set; } = "";

        public static async Task<Node> StartAsync(string role, string[] common, string indexFile, int searchRate = 0)
        {
            string exe = Environment.ProcessPath!;
            var start = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            {
                start.ArgumentList.Add(typeof(NodesBench).Assembly.Location);
            }

            foreach (string arg in (string[])["nodes-node", "--role", role, "--index", indexFile, "--search-rate", Str(searchRate), .. common])
            {
                start.ArgumentList.Add(arg);
            }

            long started = Stopwatch.GetTimestamp();
            var node = new Node(Process.Start(start)!, started);
            string[] open = (await node.ReadAsync("open")).Split(' ');
            node.OpenSeconds = double.Parse(open[1], CultureInfo.InvariantCulture);
            node.LoadedFrom = open.Length > 2 ? open[2].Replace('_', ' ') : "";
            return node;
        }

        public void Send(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        public async Task<(int Written, long Committed)> WriteAsync(int i)
        {
            Send($"write {i}");
            string[] words = (await ReadAsync("committed")).Split(' ');
            return (int.Parse(words[1], CultureInfo.InvariantCulture), long.Parse(words[2], CultureInfo.InvariantCulture));
        }

        public async Task<int> BurstAsync(int from, int count)
        {
            Send($"burst {from} {count}");
            await ReadAsync("done");
            return from + count;
        }

        /// <summary>Seconds from this process's start until a search of its found write <paramref name="written"/>.</summary>
        public async Task<double> FirstFindAsync(int written)
        {
            Send($"watch {written} {Stopwatch.GetTimestamp()} tell");
            long found = long.Parse((await ReadAsync("found")).Split(' ')[2], CultureInfo.InvariantCulture);
            return Stopwatch.GetElapsedTime(_started, found).TotalSeconds;
        }

        public async Task<Report> ReportAsync(string phase)
        {
            Send($"report {phase}");
            double[] v = [.. (await ReadAsync("report")).Split(' ').Skip(1).Select(w => double.Parse(w, CultureInfo.InvariantCulture))];
            return new Report(v[0], v[1], v[2], v[3], v[4], (int)v[5]);
        }

        public async Task StopAsync()
        {
            Send("quit");
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                await StopAsync();
            }

            _process.Dispose();
        }

        /// <summary>The next line that starts with <paramref name="word"/> (a searcher's "found" lines come unasked; others are skipped).</summary>
        private async Task<string> ReadAsync(string word)
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(word + " ", StringComparison.Ordinal) || line == word)
                {
                    return line;
                }
            }

            throw new IOException($"A node's process ended before it said '{word}' (exit code {(_process.HasExited ? _process.ExitCode : -1)}).");
        }
    }
}
