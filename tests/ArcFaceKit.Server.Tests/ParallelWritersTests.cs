using System.Net.Http.Json;
using System.Text.Json;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Tests.Support;
using Npgsql;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// Several nodes writing one PostgreSQL gallery at once (issue 33, item 2): each gallery opened here is a node of its
/// own (its own connections and index, or none when searched in the database), beside a real server process. Faces are random unit vectors: these tests are
/// about the store, not the model.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ParallelWritersTests(PostgresServer server) : IAsyncDisposable
{
    private static readonly string[] ProbeNames = ["p0", "p1", "p2", "p3", "p4", "p5"];
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();
    private readonly string _indexFile = Path.Combine(Path.GetTempPath(), $"arcface-writers-index-{Guid.NewGuid():N}");
    private readonly List<FaceGallery> _opened = [];
    private readonly Random _random = new(33);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NewFace> _probes = new();
    private PostgresSearch _search = PostgresSearch.InMemory;

    private string[] StoreArgs => ["--store", "postgres", "--postgres", server.ConnectionString, "--schema", _schema, "--key-file", _keys];

    [Fact]
    public async Task A_writer_held_before_its_commit_blocks_no_writer_of_another_subject_and_its_later_commit_reaches_every_node()
    {
        var held = await Open();
        var other = await Open();
        var reader = await Open();
        var fresh = Face();

        // Every change of a subject named "held" waits, inside its transaction after it recorded its change, for a lock
        // the test holds: the write is complete but for its commit, holding what a writer holds.
        await Sql("""
            CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT name FROM subjects WHERE id = NEW.owner) = 'held' THEN PERFORM pg_advisory_xact_lock(4233); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER hold AFTER INSERT ON gallery_changes FOR EACH ROW EXECUTE FUNCTION hold();
            """);
        await using var gate = await Connect();
        await Execute(gate, "SELECT pg_advisory_lock(4233)");
        var holding = held.AddFacesAsync("held", [fresh], "k1");
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); await Scalar(gate, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0; await Task.Delay(20))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20) && !holding.IsCompleted, "the held write did not reach its commit");
        }

        // Meanwhile another subject's write commits (with one version row bumped by every writer, it waited here), and
        // every node sees it; the held one is seen by none.
        var free = other.AddFacesAsync("free", [Face()], "k1");
        Assert.Same(free, await Task.WhenAny(free, Task.Delay(TimeSpan.FromSeconds(15))));
        await free;
        Assert.False(holding.IsCompleted);
        Assert.Equal(["free"], (await reader.ListSubjectsAsync()).Select(s => s.Name));
        Assert.Equal(1, await reader.CountFacesAsync());

        // The held write commits last with the smaller transaction id; no node's position has passed it.
        await Execute(gate, "SELECT pg_advisory_unlock(4233)");
        await holding;
        Assert.Equal("held", (await reader.SearchAsync(fresh.Embedding, 1, SubjectScoring.Both))[0].Subject);
        Assert.Equal("held", (await other.SearchAsync(fresh.Embedding, 1, SubjectScoring.Both))[0].Subject);
        await AssertSameAsFreshLoad(held, other, reader);
        Assert.Equal(1, reader.IndexFullLoads);   // the one at open: everything else came from the feed
    }

    [Fact]
    public async Task Three_nodes_enrolling_deleting_renaming_and_erasing_at_once_end_with_the_index_of_a_fresh_load_and_a_killed_node_recovers()
    {
        var nodes = new[] { await Open(_indexFile), await Open(), await Open() };
        string key = ServerProcess.CreateKey(StoreArgs);
        string serverIndex = _indexFile + "-server";
        using var killed = await ServerProcess.StartAsync([.. StoreArgs, "--index-file", serverIndex]);
        using var http = new HttpClient { BaseAddress = killed.Url, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        foreach (string probe in ProbeNames)
        {
            await nodes[0].AddFacesAsync(probe, [ProbeFace(probe)], "k1");
        }

        // The server reads all along, so it applies the nodes' commits as they come, until it is killed among them.
        int written = 0;
        using var stop = new CancellationTokenSource();
        var serverReads = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var _ = await http.GetAsync("v1/health", stop.Token);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    return;
                }
            }
        });
        var writers = nodes.Select((node, n) => Task.Run(() => WriteAsync(node, n, () =>
        {
            if (Interlocked.Increment(ref written) == 30)
            {
                killed.Kill();
            }
        }))).ToList();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await serverReads;

        // Every node, the node killed among the commits and restarted, and a node reopened from its index file hold
        // what a fresh load of the database holds.
        var fresh = await AssertSameAsFreshLoad(nodes);
        using (var restarted = await ServerProcess.StartAsync([.. StoreArgs, "--index-file", serverIndex]))
        {
            using var client = new HttpClient { BaseAddress = restarted.Url };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            var subjects = JsonDocument.Parse(await client.GetStringAsync("v1/subjects")).RootElement.EnumerateArray()
                .Select(s => (s.GetProperty("name").GetString(), s.GetProperty("faceCount").GetInt32())).ToList();
            Assert.Equal((await fresh.ListSubjectsAsync()).Select(s => ((string?)s.Name, s.FaceCount)), subjects);
            var health = await client.GetFromJsonAsync<JsonElement>("v1/health");
            Assert.Equal(await fresh.CountFacesAsync(), health.GetProperty("faces").GetInt32());
        }

        await nodes[0].DisposeAsync();
        var fromFile = await Open(_indexFile);
        Assert.Equal("file", fromFile.IndexLoadedFrom);
        await AssertSameAsFreshLoad(fromFile);
    }

    [Fact]
    public async Task Three_nodes_searching_in_the_database_writing_at_once_answer_as_a_fresh_open_does()
    {
        _search = PostgresSearch.Database;
        var nodes = new[] { await Open(), await Open(), await Open() };
        foreach (string probe in ProbeNames)
        {
            await nodes[0].AddFacesAsync(probe, [ProbeFace(probe)], "k1");
        }

        await Task.WhenAll(nodes.Select((node, n) => Task.Run(() => WriteAsync(node, n, () => { }))));
        await AssertSameAsFreshLoad(nodes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gallery in _opened)
        {
            await gallery.DisposeAsync();
        }

        foreach (string file in new[] { _indexFile, _indexFile + "-server" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// One node's share of the load, on subjects of its own: enrolments (two faces each), then, by turns, a face deleted
    /// (the subject re-keyed), a rename, an erasure, and searches between, which apply the other nodes' commits.
    /// </summary>
    private async Task WriteAsync(FaceGallery node, int n, Action wrote)
    {
        for (int i = 0; i < 18; i++)
        {
            var faces = await node.AddFacesAsync($"n{n}-{i}", [Face(), Face()], "k1");
            wrote();
            switch (i % 4)
            {
                case 1:
                    Assert.True(await node.DeleteFaceAsync($"n{n}-{i}", faces[0].Id, "k1"));
                    break;
                case 2:
                    await node.RenameSubjectAsync($"n{n}-{i - 1}", $"n{n}-{i - 1}-renamed", "k1");
                    break;
                case 3:
                    Assert.True(await node.DeleteSubjectAsync($"n{n}-{i - 3}", "k1"));
                    break;
            }

            await node.SearchAsync(ProbeFace(ProbeNames[i % ProbeNames.Length]).Embedding, 3, SubjectScoring.Both);
        }
    }

    /// <summary>Each node answers as a gallery freshly opened on the database does (its index loaded, or the database searched); returns that gallery.</summary>
    private async Task<FaceGallery> AssertSameAsFreshLoad(params FaceGallery[] nodes)
    {
        var fresh = await Open();
        Assert.Equal(_search == PostgresSearch.Database ? null : "database", fresh.IndexLoadedFrom);   // searched in the database: nothing loaded
        var subjects = (await fresh.ListSubjectsAsync()).Select(s => (s.Name, s.FaceCount)).ToList();
        int count = await fresh.CountFacesAsync();
        var probes = ProbeNames.Select(n => ProbeFace(n).Embedding).Append(Face().Embedding).ToList();
        var expected = new List<IReadOnlyList<SubjectMatch>>();
        foreach (var probe in probes)
        {
            expected.Add(await fresh.SearchAsync(probe, 100, SubjectScoring.Both));
        }

        foreach (var node in nodes)
        {
            Assert.Equal(count, await node.CountFacesAsync());
            Assert.Equal(subjects, (await node.ListSubjectsAsync()).Select(s => (s.Name, s.FaceCount)));
            for (int p = 0; p < probes.Count; p++)
            {
                var found = await node.SearchAsync(probes[p], 100, SubjectScoring.Both);
                Assert.Equal(expected[p].Select(m => (m.Subject, m.FaceId)), found.Select(m => (m.Subject, m.FaceId)));
                Assert.All(expected[p].Zip(found), m => Assert.Equal(m.First.Similarity, m.Second.Similarity, 4));
            }
        }

        return fresh;
    }

    /// <summary>The face subject <paramref name="name"/> is enrolled with, which probes for it.</summary>
    private NewFace ProbeFace(string name) => _probes.GetOrAdd(name, _ => Face());

    /// <summary>A random unit vector of the model's dimension: a face no other test stores.</summary>
    private NewFace Face()
    {
        float[] v;
        lock (_random)
        {
            v = [.. Enumerable.Range(0, TestModels.Model.Dimension).Select(_ => (float)(_random.NextDouble() - 0.5))];
        }

        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return new NewFace([.. v.Select(x => x / norm)], []);
    }

    private async Task<FaceGallery> Open(string? indexFile = null)
    {
        var gallery = (FaceGallery)await PostgresGallery.OpenAsync(new PostgresGalleryOptions(server.ConnectionString) { Schema = _schema, KeyFile = _keys, IndexFile = indexFile, Search = _search }, TestModels.Model);
        _opened.Add(gallery);
        return gallery;
    }

    private async Task<NpgsqlConnection> Connect()
    {
        var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync();
        await Execute(conn, $"SET search_path = \"{_schema}\", public");
        return conn;
    }

    private async Task Sql(string sql)
    {
        await using var conn = await Connect();
        await Execute(conn, sql);
    }

    private static async Task Execute(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
