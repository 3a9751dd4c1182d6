using ArcFaceKit.Bench;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Server.Tests.Support;
using Npgsql;

namespace ArcFaceKit.Server.Tests;

/// <summary>The gallery suite on a PostgreSQL gallery searched in the database (pgvector), and what differs there.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgvectorGalleryTests(PostgresServer server) : GalleryContractTests
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly string _keys = server.NewKeyFile();

    /// <summary>Never written: a gallery searched in the database keeps no index file.</summary>
    protected override string IndexFile { get; } = Path.Combine(Path.GetTempPath(), $"arcface-pgvector-index-{Guid.NewGuid():N}");

    private protected override Task<IFaceGallery> OpenGalleryAsync(ModelIdentity? model) =>
        PostgresGallery.OpenAsync(new PostgresGalleryOptions(server.ConnectionString) { Schema = _schema, KeyFile = _keys, Search = PostgresSearch.Database }, model);

    /// <summary>In the database's place: no index is loaded into memory or kept in a file, and a reopened gallery answers the same.</summary>
    [Fact]
    public override async Task A_gallery_reopened_unchanged_is_read_from_its_index_file_and_never_from_a_stale_or_damaged_one()
    {
        var first = await Open();
        await first.AddFacesAsync("abel", [Face("Abel_Pacheco_0001.jpg"), Face("Abel_Pacheco_0002.jpg")], "k1");
        await first.AddFacesAsync("dean", [Face("Dean_Barker_0001.jpg")], "k1");
        var before = await first.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both);
        await first.DisposeAsync();

        var reopened = await Open();
        Assert.Null(reopened.IndexLoadedFrom);
        Assert.Equal(0, reopened.IndexFullLoads);
        Assert.Equal(3, await reopened.CountFacesAsync());
        Assert.Equal(before, await reopened.SearchAsync(Probe("Abel_Pacheco_0004.jpg"), 2, SubjectScoring.Both));
        Assert.False(File.Exists(IndexFile));
        var e = await Assert.ThrowsAsync<GalleryException>(() => PostgresGallery.OpenAsync(
            new PostgresGalleryOptions(server.ConnectionString) { Schema = _schema, KeyFile = _keys, IndexFile = IndexFile }, TestModels.Model));
        Assert.Contains("no index file", e.Message, StringComparison.Ordinal);
    }

    /// <summary>In the database's place: another node's commits are searched at once, with nothing loaded or applied in memory.</summary>
    [Fact]
    public override async Task Another_nodes_commits_reach_a_gallery_through_the_change_feed_without_loading_everything()
    {
        var writer = await Open();
        var reader = await Open();
        var grouped = await WriteSomeOfEachAsync(writer);

        var fresh = await Open();
        foreach (var probe in new[] { "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg", "AJ_Lamas_0001.jpg" })
        {
            Assert.Equal(await fresh.SearchAsync(Probe(probe), 3, SubjectScoring.Both), await reader.SearchAsync(Probe(probe), 3, SubjectScoring.Both));
        }

        Assert.Equal("dean barker", (await reader.SearchAsync(Probe("Dean_Barker_0001.jpg"), 1, SubjectScoring.Both))[0].Subject);
        Assert.Equal(3, await reader.CountFacesAsync());
        Assert.Equal(grouped.Group, (await reader.AddToGroupsAsync(Face("Aaron_Eckhart_0001.jpg"), TestModels.GroupThreshold, "k2")).Group);
        Assert.Equal((0, 0L), (reader.IndexFullLoads, reader.IndexChangesApplied));
    }
}

/// <summary>
/// Searched in memory and in the database, the same gallery answers the same (issue 33: templates, scoring and model
/// pinning are the same in both modes); what an erasure leaves of pgvector's plain copies; switching a gallery's mode.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgvectorSearchTests(PostgresServer server)
{
    // LFW's first photos in name order: 36 people with two to eight photos each among singles, all real embeddings.
    private static readonly Lazy<List<(string Person, string File, NewFace Face)>> Lfw = new(() =>
        [.. Directory.EnumerateFiles(Path.GetDirectoryName(TestModels.Lfw("x"))!, "*.jpg").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).Take(150)
            .Select(f => (f[..f.LastIndexOf('_')], f, TestModels.Face(f)))]);

    private PostgresGalleryOptions Options(PostgresSearch? search) =>
        new(server.ConnectionString) { Schema = PostgresServer.NewSchema(), KeyFile = server.NewKeyFile(), Search = search };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_same_queries_give_the_same_answers_searched_in_memory_and_in_the_database(bool approximate)
    {
        // Approximate: both through their HNSW graphs (in memory, and pgvector's), which at this size still find everything.
        var memoryOptions = Options(PostgresSearch.InMemory) with { Index = new GalleryIndexOptions { ApproximateFrom = approximate ? 1 : 0 } };
        var databaseOptions = Options(PostgresSearch.Database) with { Pgvector = new PgvectorOptions { ApproximateFrom = approximate ? 1 : 0 } };
        await using var memory = (FaceGallery)await PostgresGallery.OpenAsync(memoryOptions, TestModels.Model);
        await using var database = (FaceGallery)await PostgresGallery.OpenAsync(databaseOptions, TestModels.Model);
        var people = Lfw.Value.GroupBy(f => f.Person).ToList();
        var probes = new List<float[]>();
        foreach (var person in people)
        {
            // Each person's last photo (of several) is a probe, the rest enrolled; singles are enrolled as distractors.
            var photos = person.ToList();
            var enrolled = photos.Count > 1 ? photos[..^1] : photos;
            if (photos.Count > 1)
            {
                probes.Add(photos[^1].Face.Embedding);
            }

            foreach (var gallery in new[] { memory, database })
            {
                await gallery.AddFacesAsync(person.Key, [.. enrolled.Select(p => p.Face)], "k1");
            }
        }

        // Erasures and a rename go through both galleries' write paths too.
        foreach (var gallery in new[] { memory, database })
        {
            var abdullah = await gallery.ListFacesAsync("Abdullah_Gul");
            Assert.True(await gallery.DeleteFaceAsync("Abdullah_Gul", abdullah[1].Id, "k1"));
            Assert.True(await gallery.DeleteSubjectAsync("Aaron_Sorkin", "k1"));
            await gallery.RenameSubjectAsync("Abdoulaye_Wade", "Wade", "k1");
        }

        if (approximate)
        {
            await SqlAsync(databaseOptions.Schema, "ANALYZE face_vectors, subject_vectors");   // the row counts that choose HNSW
        }

        Assert.Null(database.IndexLoadedFrom);   // nothing of the gallery held in memory
        Assert.Equal(await memory.CountFacesAsync(), await database.CountFacesAsync());
        Assert.True(probes.Count >= 20, $"{probes.Count} probes");
        foreach (var probe in probes)
        {
            foreach (var scoring in Enum.GetValues<SubjectScoring>())
            {
                foreach (int k in new[] { 1, 5 })
                {
                    // Equal records: subjects, faces and every similarity to the bit.
                    Assert.Equal(await memory.SearchAsync(probe, k, scoring), await database.SearchAsync(probe, k, scoring));
                }

                Assert.Equal(await memory.ScoreSubjectAsync("Wade", probe, scoring), await database.ScoreSubjectAsync("Wade", probe, scoring));
            }
        }

        // Unnamed faces find their groups through the group templates: the same faces end up grouped together.
        var grouped = new List<List<long>>();
        foreach (var gallery in new[] { memory, database })
        {
            var groups = new List<long>();
            foreach (var (_, _, face) in Lfw.Value.Take(40))
            {
                groups.Add((await gallery.AddToGroupsAsync(face, TestModels.GroupThreshold, "k1")).Group);
            }

            grouped.Add([.. groups.Select(g => (long)groups.IndexOf(g))]);   // each face by the first face of its group
        }

        Assert.Equal(grouped[0], grouped[1]);
        Assert.True(grouped[0].Distinct().Count() is > 1 and < 40, "the faces formed neither one group nor only singles");
    }

    [Fact]
    public async Task Erased_faces_leave_the_tables_at_once_their_files_after_vacuum_full_not_plain_vacuum_and_the_wal_keeps_them()
    {
        var options = Options(PostgresSearch.Database);
        await using var gallery = await PostgresGallery.OpenAsync(options, TestModels.Model);

        // Vectors no other test stores: their half-precision bytes are this test's alone in the whole cluster.
        var erased = RandomFace(new Random(3301));
        var kept = RandomFace(new Random(3302));
        await gallery.AddFacesAsync("kept", [kept], "k1");
        await gallery.AddFacesAsync("Erasable Pgvector", [erased], "k1");   // the last row of its page: nothing moves over it
        await SqlAsync(options.Schema, "CHECKPOINT");
        var copies = ErasureScan.HalfSlices(erased);
        Assert.Equal(copies.Count, ErasureScan.Found(await VectorFilesAsync(options.Schema), copies));   // the plain copies the scan can see
        Assert.Equal(0, ErasureScan.Found(await FilesAsync(options.Schema, "faces"), ErasureScan.Slices(erased)));   // the face's own row stays sealed

        Assert.True(await gallery.DeleteSubjectAsync("Erasable Pgvector", "k1"));
        Assert.Equal(1L, await ScalarAsync(options.Schema, "SELECT COUNT(*) FROM face_vectors"));
        Assert.Equal(1L, await ScalarAsync(options.Schema, "SELECT COUNT(*) FROM subject_vectors"));
        Assert.Equal("kept", Assert.Single(await gallery.SearchAsync(erased.Embedding, 5, SubjectScoring.Both)).Subject);

        // VACUUM marks the dead rows' space free without overwriting it (rows moved over it may, this one is not).
        await SqlAsync(options.Schema, "VACUUM face_vectors, subject_vectors", "CHECKPOINT");
        Assert.True(ErasureScan.Found(await FilesAsync(options.Schema, "face_vectors", "subject_vectors"), copies) > 0);

        // What an operator runs: the tables and their indexes rewritten into new files, the old ones unlinked.
        await SqlAsync(options.Schema, "VACUUM FULL face_vectors, subject_vectors", "CHECKPOINT");
        Assert.Equal(0, ErasureScan.Found(await VectorFilesAsync(options.Schema), copies));
        Assert.Equal(ErasureScan.HalfSlices(kept).Count, ErasureScan.Found(await VectorFilesAsync(options.Schema), ErasureScan.HalfSlices(kept)));

        // What it cannot clear from SQL: the WAL that recorded the insert (until its segment is overwritten).
        Assert.True(ErasureScan.Found(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "pg_wal")), copies) > 0);
    }

    [Fact]
    public async Task No_commit_can_delete_a_face_and_leave_its_plain_copy()
    {
        var options = Options(PostgresSearch.Database);
        await using var gallery = await PostgresGallery.OpenAsync(options, TestModels.Model);
        var face = Assert.Single(await gallery.AddFacesAsync("abel", [RandomFace(new Random(3303))], "k1"));

        // A delete that bypasses the gallery (or a write path that forgot its copies): refused at commit.
        var e = await Assert.ThrowsAsync<PostgresException>(() => SqlAsync(options.Schema, $"DELETE FROM faces WHERE id = {face.Id}"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
        Assert.Equal(1, await gallery.CountFacesAsync());
    }

    [Fact]
    public async Task A_gallery_switched_to_the_database_and_back_answers_the_same_and_drops_its_copies()
    {
        var options = Options(null);
        var faces = Lfw.Value.Take(30).ToList();
        var probe = faces[5].Face.Embedding;
        IReadOnlyList<SubjectMatch> before;
        await using (var inMemory = (FaceGallery)await PostgresGallery.OpenAsync(options, TestModels.Model))
        {
            foreach (var person in faces.GroupBy(f => f.Person))
            {
                await inMemory.AddFacesAsync(person.Key, [.. person.Select(p => p.Face)], "k1");
            }

            await inMemory.AddToGroupsAsync(faces[0].Face, TestModels.GroupThreshold, "k1");
            before = await inMemory.SearchAsync(probe, 5, SubjectScoring.Both);
            Assert.Equal("database", inMemory.IndexLoadedFrom);
        }

        await using (var switched = (FaceGallery)await PostgresGallery.OpenAsync(options with { Search = PostgresSearch.Database }, TestModels.Model))
        {
            Assert.Null(switched.IndexLoadedFrom);
            Assert.Equal(before, await switched.SearchAsync(probe, 5, SubjectScoring.Both));
            Assert.Equal(faces.Count, await switched.CountFacesAsync());
            Assert.Equal(1L, await ScalarAsync(options.Schema, "SELECT COUNT(*) FROM group_vectors"));   // the group's template copied too
        }

        // Opened without a choice, a gallery is searched where it was last.
        await using (var followed = (FaceGallery)await PostgresGallery.OpenAsync(options, TestModels.Model))
        {
            Assert.Null(followed.IndexLoadedFrom);
        }

        await using var back = (FaceGallery)await PostgresGallery.OpenAsync(options with { Search = PostgresSearch.InMemory }, TestModels.Model);
        Assert.Equal("database", back.IndexLoadedFrom);
        Assert.Equal(before, await back.SearchAsync(probe, 5, SubjectScoring.Both));
        Assert.Equal(0L, await ScalarAsync(options.Schema, "SELECT COUNT(*) FROM pg_class WHERE relname LIKE '%vectors%' AND relnamespace = current_schema()::regnamespace"));
    }

    private static NewFace RandomFace(Random rng)
    {
        var embedding = Enumerable.Range(0, TestModels.Model.Dimension).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Embeddings.Normalize(embedding);
        var crop = new byte[256];
        rng.NextBytes(crop);
        return new NewFace(embedding, crop);
    }

    /// <summary>The files of pgvector's tables of copies and of their indexes.</summary>
    private Task<List<string>> VectorFilesAsync(string schema) =>
        FilesAsync(schema, "face_vectors", "face_vectors_pkey", "face_vectors_subject", "face_vectors_hnsw", "subject_vectors", "subject_vectors_pkey", "subject_vectors_hnsw");

    private async Task<List<string>> FilesAsync(string schema, params string[] relations)
    {
        var files = new List<string>();
        foreach (string relation in relations)
        {
            string path = Path.Combine(server.DataDirectory, (string)(await ScalarAsync(schema, $"SELECT pg_relation_filepath('{relation}')"))!);
            string name = Path.GetFileName(path);
            files.AddRange(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, name + "*")
                .Where(f => Path.GetFileName(f) == name || Path.GetFileName(f)[name.Length] is '.' or '_'));   // its segments and forks
        }

        return files;
    }

    /// <summary>Each statement on its own (VACUUM cannot run in the transaction a batch of statements shares).</summary>
    private async Task SqlAsync(string schema, params string[] statements)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync();
        foreach (string sql in statements.Prepend($"SET search_path = \"{schema}\", public"))
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private async Task<object?> ScalarAsync(string schema, string sql)
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SET search_path = \"{schema}\", public; {sql}", conn);
        return await cmd.ExecuteScalarAsync();
    }
}
