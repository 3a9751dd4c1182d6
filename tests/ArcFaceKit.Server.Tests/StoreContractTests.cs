using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Benchmarks;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Storage;
using ArcFaceKit.Server.Tests.Support;

namespace ArcFaceKit.Server.Tests;

/// <summary>The behaviour every store must have; run against SQLite and against PostgreSQL + pgvector.</summary>
public abstract class StoreContractTests : IDisposable
{
    private static readonly Lazy<Dictionary<string, NewFace>> Faces = new(() => new[]
    {
        "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0002.jpg", "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg",
        "Aaron_Eckhart_0001.jpg", "AJ_Lamas_0001.jpg", "Aaron_Guiel_0001.jpg",
    }.ToDictionary(f => f, TestModels.Face));

    private readonly List<IFaceStore> _opened = [];

    /// <summary>Opens the test's store (the same one on every call) for <paramref name="model"/>, or keys-only for null.</summary>
    protected abstract IFaceStore OpenStore(ModelIdentity? model);

    protected IFaceStore Open(ModelIdentity? model = null)
    {
        var store = OpenStore(model ?? TestModels.Model);
        _opened.Add(store);
        return store;
    }

    private static NewFace Face(string file) => Faces.Value[file];

    [Fact]
    public void Subjects_are_created_listed_renamed_and_deleted()
    {
        var store = Open();
        Assert.Equal("alice", store.CreateSubject("alice", "k1").Name);
        store.CreateSubject("bob", "k1");
        Assert.Equal(StoreError.Conflict, Assert.Throws<StoreException>(() => store.CreateSubject("alice", "k1")).Error);
        Assert.Equal(["alice", "bob"], store.ListSubjects().Select(s => s.Name));

        Assert.Equal("carol", store.RenameSubject("alice", "carol", "k1").Name);
        Assert.Null(store.GetSubject("alice"));
        Assert.Equal(StoreError.Conflict, Assert.Throws<StoreException>(() => store.RenameSubject("carol", "bob", "k1")).Error);
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.RenameSubject("nobody", "x", "k1")).Error);

        Assert.True(store.DeleteSubject("carol", "k1"));
        Assert.False(store.DeleteSubject("carol", "k1"));
        Assert.Equal(["bob"], store.ListSubjects().Select(s => s.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("line\nbreak")]
    [InlineData("a/b")]
    public void Bad_subject_names_are_refused(string name)
    {
        var store = Open();
        Assert.Equal(StoreError.Invalid, Assert.Throws<StoreException>(() => store.CreateSubject(name, "k1")).Error);
        Assert.Equal(StoreError.Invalid, Assert.Throws<StoreException>(() => store.AddFaces(name, [Face("Abel_Pacheco_0001.jpg")], "k1")).Error);
    }

    [Fact]
    public void Enrolled_faces_are_found_by_another_photo_of_the_same_person()
    {
        var store = Open();
        var added = store.AddFaces("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal(2, added.Count);
        store.AddFaces("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        store.AddFaces("aaron", [Face("Aaron_Eckhart_0001.jpg")], "k1");

        var hits = store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 5);
        Assert.Equal("abel", hits[0].Subject);
        Assert.Contains(hits[0].FaceId, added.Select(f => f.Id));
        Assert.True(hits[0].Similarity > 0.5f, $"same person scored {hits[0].Similarity}");
        Assert.Equal(3, hits.Count);                                   // each subject once, by its best face
        Assert.Equal(hits.Count, hits.Select(h => h.Subject).Distinct().Count());
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));

        var best = store.BestFaceOf("abel", Face("Abel_Pacheco_0004.jpg").Embedding)!;
        Assert.Equal(hits[0].FaceId, best.FaceId);
        Assert.Equal(hits[0].Similarity, best.Similarity, 4);
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.BestFaceOf("nobody", Face("Abel_Pacheco_0004.jpg").Embedding)).Error);
    }

    [Fact]
    public void An_empty_store_finds_nobody()
    {
        var store = Open();
        Assert.Empty(store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 3));
        store.CreateSubject("empty", "k1");
        Assert.Empty(store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 3));
        Assert.Null(store.BestFaceOf("empty", Face("Abel_Pacheco_0004.jpg").Embedding));
    }

    [Fact]
    public void Faces_are_listed_served_as_png_and_deleted_one_by_one()
    {
        var store = Open();
        var added = store.AddFaces("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        Assert.Equal(added.Select(f => f.Id), store.ListFaces("abel").Select(f => f.Id));
        byte[] png = store.FaceImage("abel", added[0].Id)!;
        Assert.Equal(Face("Abel_Pacheco_0001.jpg").CropPng, png);
        Assert.Null(store.FaceImage("dean", added[0].Id));

        Assert.True(store.DeleteFace("abel", added[0].Id, "k1"));
        Assert.False(store.DeleteFace("abel", added[0].Id, "k1"));
        Assert.Equal([added[1].Id], store.ListFaces("abel").Select(f => f.Id));
        Assert.Equal(1, store.FaceCount);
        Assert.DoesNotContain(store.Search(Face("Abel_Pacheco_0001.jpg").Embedding, 5), h => h.FaceId == added[0].Id);
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.ListFaces("nobody")).Error);
    }

    [Fact]
    public void Deleting_a_subject_erases_every_embedding_and_crop_and_is_audited()
    {
        var store = Open();
        var abel = store.AddFaces("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "writer-1");
        store.AddFaces("dean", [Face("Dean_Barker_0001.jpg")], "writer-1");

        Assert.True(store.DeleteSubject("abel", "writer-2"));
        Assert.Equal(1, store.FaceCount);
        Assert.All(abel, f => Assert.Null(store.FaceImage("abel", f.Id)));
        Assert.All(store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 10), h => Assert.Equal("dean", h.Subject));

        // Gone for good: a fresh open (index rebuilt from the database) does not bring it back.
        var reopened = Open();
        Assert.Equal(1, reopened.FaceCount);
        Assert.Null(reopened.GetSubject("abel"));

        var audit = store.Audit(10);
        Assert.Equal(("subject.delete", "abel", "writer-2"), (audit[0].Action, audit[0].Subject, audit[0].KeyId));
        Assert.Equal(("face.add", "writer-1"), (audit[1].Action, audit[1].KeyId));
    }

    [Fact]
    public void A_reopened_store_has_every_face_and_searches_the_same()
    {
        var store = Open();
        store.AddFaces("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        store.AddFaces("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        var before = store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 2);

        var reopened = Open();
        Assert.Equal(2, reopened.FaceCount);
        Assert.Equal(before, reopened.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 2));
    }

    [Fact]
    public void A_store_refuses_another_model_and_embeddings_of_the_wrong_dimension()
    {
        var store = Open();
        store.AddFaces("abel", [Face("Abel_Pacheco_0001.jpg")], "k1");
        var other = TestModels.Model with { Sha256 = new string('0', 64), Name = "other" };
        Assert.Equal(StoreError.WrongModel, Assert.Throws<StoreException>(() => Open(other)).Error);

        var wrong = new NewFace(new float[TestModels.Model.Dimension + 1], [1]);
        Assert.Equal(StoreError.Invalid, Assert.Throws<StoreException>(() => store.AddFaces("abel", [wrong], "k1")).Error);
        Assert.Equal(StoreError.Invalid, Assert.Throws<StoreException>(() => store.Search(new float[3], 1)).Error);
        Assert.Equal(1, store.FaceCount);
    }

    [Fact]
    public void Keys_are_stored_as_hashes_checked_and_revoked()
    {
        var keys = Stores.Keys(Open());
        var (key, token) = ApiKeys.Create(keys, "door", ApiScopes.Read);
        Assert.DoesNotContain(keys.ListKeys(), k => k.SecretHash.Contains(token, StringComparison.Ordinal) || token.Contains(k.SecretHash, StringComparison.Ordinal));
        Assert.Equal(key.Id, ApiKeys.Authenticate(keys, token)?.Id);
        Assert.Null(ApiKeys.Authenticate(keys, token[..^2] + "xx"));
        Assert.Null(ApiKeys.Authenticate(keys, "afk_nothing"));
        Assert.Null(ApiKeys.Authenticate(keys, null));

        // A keys-only open (the CLI's) sees the same keys.
        Assert.True(Stores.Keys(OpenStore(null)).RevokeKey(key.Id));
        Assert.Null(ApiKeys.Authenticate(keys, token));
        Assert.False(keys.RevokeKey(key.Id));
    }

    [Fact]
    public void Concurrent_writers_and_searchers_lose_nothing()
    {
        var store = Open();
        string[] photos = ["Abel_Pacheco_0001.jpg", "Dean_Barker_0001.jpg", "Aaron_Eckhart_0001.jpg", "AJ_Lamas_0001.jpg"];
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (int i = 0; i < 6; i++)
            {
                foreach (var f in store.AddFaces($"person-{worker}", [Face(photos[(worker + i) % photos.Length])], $"k{worker}"))
                {
                    ids.Add(f.Id);
                }

                var hits = store.Search(Face("Abel_Pacheco_0004.jpg").Embedding, 3);
                Assert.NotEmpty(hits);
                Assert.Equal(hits.Count, hits.Select(h => h.Subject).Distinct().Count());
            }
        });

        Assert.Equal(48, ids.Distinct().Count());
        Assert.Equal(48, store.FaceCount);
        Assert.All(store.ListSubjects(), s => Assert.Equal(6, s.FaceCount));
        Assert.Equal(48, Open().FaceCount);
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-store-").FullName;

    protected override IFaceStore OpenStore(ModelIdentity? model) => SqliteStore.Open(Path.Combine(_folder, "store.db"), model);

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_clearly()
    {
        string path = Path.Combine(_folder, "junk.db");
        File.WriteAllText(path, "not sqlite at all, just text that is long enough to be a header........");
        var e = Assert.Throws<StoreException>(() => SqliteStore.Open(path, TestModels.Model));
        Assert.Contains("not a usable store database", e.Message, StringComparison.Ordinal);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreContractTests
{
    private readonly string _schema = PostgresServer.NewSchema();

    protected override IFaceStore OpenStore(ModelIdentity? model) =>
        PostgresStore.Open(new PostgresOptions(server.ConnectionString) { Schema = _schema }, model);

    [Fact]
    public void Hnsw_search_agrees_with_exact_search_at_recall_10()
    {
        var photos = Directory.EnumerateFiles(Path.GetDirectoryName(TestModels.Lfw("x"))!, "*.jpg").Order(StringComparer.Ordinal).Where((_, i) => i % 20 == 0);
        var report = HnswRecall.Measure(TestModels.Analyzer, new PostgresOptions(server.ConnectionString) { Schema = _schema, EfSearch = 40 }, photos, 300, 40, 10);
        Assert.True(report.Faces >= 300, report.ToString());
        Assert.True(report.Recall >= 0.9, report.ToString());
    }

    [Fact]
    public void A_bad_schema_name_is_refused_before_any_sql()
    {
        var e = Assert.Throws<StoreException>(() => PostgresStore.Open(new PostgresOptions(server.ConnectionString) { Schema = "x\"; DROP TABLE y; --" }, TestModels.Model));
        Assert.Equal(StoreError.Invalid, e.Error);
    }
}
