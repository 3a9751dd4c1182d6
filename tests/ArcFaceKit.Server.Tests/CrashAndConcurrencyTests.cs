using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>The real server process under many clients, and killed (SIGKILL) in the middle of a bulk enrolment.</summary>
public abstract class CrashAndConcurrencyTests
{
    private static readonly string[] Photos = [TestModels.Lfw("Abel_Pacheco_0001.jpg"), TestModels.Lfw("Abel_Pacheco_0002.jpg")];

    /// <summary>The store arguments of `serve` and `keys create` for this test's store.</summary>
    protected abstract string[] StoreArgs { get; }

    [Fact]
    public async Task A_server_killed_during_bulk_enrolment_restarts_with_every_acknowledged_face_and_no_partial_one()
    {
        string key = ServerProcess.CreateKey(StoreArgs);
        var acknowledged = new ConcurrentDictionary<long, string>();
        using (var server = await ServerProcess.StartAsync(StoreArgs))
        {
            using var http = Client(server.Url, key);
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        // Two photos per request: an enrolment is both faces or neither.
                        using var response = await http.PostAsync($"v1/subjects/p{c}-{i}/faces", TestApp.Photos(("image", Photos[0]), ("image", Photos[1])), stop.Token);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            foreach (var face in JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop.Token)).RootElement.EnumerateArray())
                            {
                                acknowledged[face.GetProperty("id").GetInt64()] = face.GetProperty("subject").GetString()!;
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToList();

            for (var clock = System.Diagnostics.Stopwatch.StartNew(); acknowledged.Count < 24; await Task.Delay(20))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2) && clients.All(t => !t.IsCompleted), $"enrolment stalled at {acknowledged.Count} faces: {server.Output}");
            }

            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        using var restarted = await ServerProcess.StartAsync(StoreArgs);
        using var client = Client(restarted.Url, key);
        var subjects = JsonDocument.Parse(await client.GetStringAsync("v1/subjects")).RootElement.EnumerateArray().ToList();
        var stored = new Dictionary<long, string>();
        foreach (var subject in subjects)
        {
            string name = subject.GetProperty("name").GetString()!;
            Assert.Equal(2, subject.GetProperty("faceCount").GetInt32());        // never half an enrolment
            foreach (var face in JsonDocument.Parse(await client.GetStringAsync($"v1/subjects/{name}/faces")).RootElement.EnumerateArray())
            {
                long id = face.GetProperty("id").GetInt64();
                stored[id] = name;
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/subjects/{name}/faces/{id}/image")).StatusCode);
            }
        }

        Assert.All(acknowledged, a => Assert.Equal(a.Value, stored.GetValueOrDefault(a.Key)));
        var health = JsonDocument.Parse(await client.GetStringAsync("v1/health")).RootElement;
        Assert.Equal(stored.Count, health.GetProperty("faces").GetInt32());
        var recognized = JsonDocument.Parse(await (await client.PostAsync("v1/recognize", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0004.jpg"))))).Content.ReadAsStringAsync()).RootElement;
        Assert.True(recognized.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("accepted").GetBoolean());
    }

    [Fact]
    public async Task Many_clients_enrolling_and_searching_at_once_lose_nothing_and_see_consistent_results()
    {
        string key = ServerProcess.CreateKey(StoreArgs);
        using var server = await ServerProcess.StartAsync(StoreArgs);
        using var http = Client(server.Url, key);
        string[] people = ["Abel_Pacheco_0001.jpg", "Dean_Barker_0001.jpg", "Aaron_Eckhart_0001.jpg", "AJ_Lamas_0001.jpg"];
        var created = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                using var enroll = await http.PostAsync($"v1/subjects/c{c}/faces", TestApp.Photos(("image", TestModels.Lfw(people[c % people.Length]))));
                if (enroll.StatusCode != HttpStatusCode.Created)
                {
                    failures.Add($"enroll {(int)enroll.StatusCode} {await enroll.Content.ReadAsStringAsync()}");
                    continue;
                }

                created.Add(JsonDocument.Parse(await enroll.Content.ReadAsStringAsync()).RootElement[0].GetProperty("id").GetInt64());
                using var search = await http.PostAsync("v1/recognize?k=3", TestApp.Photos(("image", TestModels.Lfw(people[c % people.Length]))));
                var matches = JsonDocument.Parse(await search.Content.ReadAsStringAsync()).RootElement.GetProperty("faces")[0].GetProperty("matches").EnumerateArray().ToList();

                // The client's own subject is committed before it searches, so it must be among the best (same photo: similarity 1).
                if (!matches.Any(m => m.GetProperty("similarity").GetSingle() > 0.99f) || matches.Select(m => m.GetProperty("subject").GetString()).Distinct().Count() != matches.Count)
                {
                    failures.Add($"client {c}: inconsistent search {search.StatusCode}");
                }
            }
        })));

        Assert.Empty(failures);
        Assert.Equal(40, created.Distinct().Count());
        var subjects = JsonDocument.Parse(await http.GetStringAsync("v1/subjects")).RootElement.EnumerateArray().ToList();
        Assert.Equal(8, subjects.Count);
        Assert.All(subjects, s => Assert.Equal(5, s.GetProperty("faceCount").GetInt32()));
    }

    [Fact]
    public async Task Two_server_processes_on_one_store_see_each_others_writes_at_once()
    {
        string key = ServerProcess.CreateKey(StoreArgs);
        using var a = await ServerProcess.StartAsync(StoreArgs);
        using var b = await ServerProcess.StartAsync(StoreArgs);
        using var httpA = Client(a.Url, key);
        using var httpB = Client(b.Url, key);

        async Task<string?> BestThroughB()
        {
            using var response = await httpB.PostAsync("v1/recognize", TestApp.Photos(("image", TestModels.Lfw("Abel_Pacheco_0004.jpg"))));
            var matches = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("faces")[0].GetProperty("matches");
            return matches.GetArrayLength() > 0 && matches[0].GetProperty("accepted").GetBoolean() ? matches[0].GetProperty("subject").GetString() : null;
        }

        Assert.Null(await BestThroughB());
        using (var enrolled = await httpA.PostAsync("v1/subjects/abel/faces", TestApp.Photos(("image", Photos[0]), ("image", Photos[1]))))
        {
            Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        }

        Assert.Equal("abel", await BestThroughB());                        // no wait: B sees A's commit on its next search
        Assert.Equal(HttpStatusCode.NoContent, (await httpB.DeleteAsync("v1/subjects/abel")).StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await httpA.GetStringAsync("v1/health")).RootElement.GetProperty("faces").GetInt32());
        Assert.Null(await BestThroughB());
    }

    private static HttpClient Client(Uri url, string key)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }
}

public sealed class SqliteCrashAndConcurrencyTests : CrashAndConcurrencyTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-crash-").FullName;

    protected override string[] StoreArgs => ["--sqlite", Path.Combine(_folder, "store.db")];

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCrashAndConcurrencyTests(PostgresServer server) : CrashAndConcurrencyTests
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();

    protected override string[] StoreArgs => ["--store", "postgres", "--postgres", server.ConnectionString, "--schema", _schema, "--key-file", _keys];
}

/// <summary>The same on a PostgreSQL gallery searched in the database (pgvector): the server processes hold no index.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgvectorCrashAndConcurrencyTests(PostgresServer server) : CrashAndConcurrencyTests
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();

    protected override string[] StoreArgs => ["--store", "postgres", "--postgres", server.ConnectionString, "--schema", _schema, "--key-file", _keys, "--search", "database"];
}
