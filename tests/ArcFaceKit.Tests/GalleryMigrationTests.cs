using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Tests;

/// <summary>Galleries of the two version-1 formats (the CLI's and the server's SQLite files) and of schema 3 open migrated, with nothing lost.</summary>
public sealed class GalleryMigrationTests : IDisposable
{
    private static readonly ModelIdentity Model = new("old-model", new string('c', 64), 1, 4);
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-migrate-").FullName;

    private string DbPath => Path.Combine(_dir, "old.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_cli_gallery_of_version_1_opens_migrated_with_its_people_faces_and_pin()
    {
        Run("""
            CREATE TABLE gallery_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE identities(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB NOT NULL);
            CREATE TABLE faces(id INTEGER PRIMARY KEY, identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE, source TEXT NOT NULL, embedding BLOB NOT NULL);
            CREATE INDEX faces_identity ON faces(identity_id);
            INSERT INTO gallery_meta VALUES ('schema', '1'), ('model_key', '@MODEL_KEY@'), ('model_name', 'old-model'), ('dimension', '4');
            INSERT INTO identities VALUES (1, 'ann', '2026-01-02T03:04:05.0000000+00:00', x''), (2, 'bob', '2026-02-03T04:05:06.0000000+00:00', x'');
            INSERT INTO faces VALUES (10, 1, 'ann1.jpg', $a), (11, 1, '', $b), (12, 2, 'bob.jpg', $c);
            """.Replace("@MODEL_KEY@", Model.Key, StringComparison.Ordinal));

        await using var gallery = await SqliteGallery.OpenAsync(DbPath, Model);
        var subjects = await gallery.ListSubjectsAsync();
        Assert.Equal([("ann", 2), ("bob", 1)], subjects.Select(s => (s.Name, s.FaceCount)));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), subjects[0].CreatedUtc);
        Assert.Equal(["ann1.jpg", null], (await gallery.ListFacesAsync("ann")).Select(f => f.Source));
        Assert.Null(await gallery.GetFaceCropAsync("ann", 10));        // version 1 kept no crops

        var hit = (await gallery.SearchAsync([0, 1, 0, 0], 1, SubjectScoring.MeanTemplate))[0];
        Assert.Equal(("ann", 11L), (hit.Subject, hit.FaceId));
        Assert.Equal(MathF.Sqrt(0.5f), hit.Similarity, 1.0 / 2048);      // template = normalised mean of (1,0,0,0) and (0,1,0,0), kept in half precision
        await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(DbPath, Model with { Sha256 = new string('d', 64) }));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('identities', 'gallery_meta', 'faces_v1')"));
        Assert.Equal(FaceGallery.SchemaVersion, Scalar("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema'"));
    }

    [Fact]
    public async Task A_server_store_of_version_1_opens_migrated_with_keys_audit_and_crops()
    {
        Run("""
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL);
            CREATE TABLE faces(id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                created_utc TEXT NOT NULL, embedding BLOB NOT NULL, crop BLOB NOT NULL);
            CREATE TABLE api_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes INTEGER NOT NULL, secret_hash TEXT NOT NULL, created_utc TEXT NOT NULL, revoked_utc TEXT);
            CREATE TABLE audit(id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, key_id TEXT NOT NULL, action TEXT NOT NULL, subject TEXT, detail TEXT);
            INSERT INTO meta VALUES ('model_key', '@MODEL_KEY@'), ('model_name', 'old-model'), ('dimension', '4');
            INSERT INTO subjects VALUES (1, 'ann', '2026-01-02T03:04:05.0000000+00:00');
            INSERT INTO faces VALUES (5, 1, '2026-01-02T03:04:05.0000000+00:00', $a, x'89504E47');
            INSERT INTO api_keys VALUES ('k1', 'door', 1, 'hash', '2026-01-02T03:04:05.0000000+00:00', NULL);
            INSERT INTO audit VALUES (1, '2026-01-02T03:04:05.0000000+00:00', 'k1', 'face.add', 'ann', '5');
            """.Replace("@MODEL_KEY@", Model.Key, StringComparison.Ordinal));

        await using var gallery = (FaceGallery)await SqliteGallery.OpenAsync(DbPath, Model);
        Assert.Equal(1, await gallery.CountFacesAsync());
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, await gallery.GetFaceCropAsync("ann", 5));
        Assert.Equal("door", (await gallery.FindKeyAsync("k1"))!.Name);
        Assert.Equal("face.add", (await gallery.ReadAuditAsync(10))[0].Action);
        Assert.Equal(1f, (await gallery.SearchAsync([1, 0, 0, 0], 1, SubjectScoring.MeanTemplate))[0].Similarity, 5);
        await gallery.AddFacesAsync("ann", [new NewFace([0, 0, 1, 0], [], "new.jpg")], "test");
        Assert.Equal(2, (await gallery.GetSubjectAsync("ann"))!.FaceCount);
    }

    [Fact]
    public async Task A_gallery_of_schema_3_opens_with_its_groups_in_their_own_table()
    {
        // Schema 3 (before groups had a table of their own): groups were subjects named "/…".
        Run("""
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB);
            CREATE TABLE faces(id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                created_utc TEXT NOT NULL, embedding BLOB NOT NULL, crop BLOB NOT NULL, source TEXT);
            CREATE INDEX faces_subject ON faces(subject_id);
            CREATE TABLE api_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes INTEGER NOT NULL, secret_hash TEXT NOT NULL, created_utc TEXT NOT NULL, revoked_utc TEXT);
            CREATE TABLE audit(id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, key_id TEXT NOT NULL, action TEXT NOT NULL, subject TEXT, detail TEXT, subject_id INTEGER);
            CREATE TABLE request_keys(key_id TEXT NOT NULL, request_key TEXT NOT NULL, subject_id INTEGER NOT NULL, face_ids TEXT NOT NULL, created_utc TEXT NOT NULL,
                PRIMARY KEY (key_id, request_key));
            CREATE TABLE gallery_version(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, nonce INTEGER NOT NULL);
            INSERT INTO gallery_version VALUES (1, 5, 7);
            INSERT INTO meta VALUES ('schema', '3'), ('model_key', '@MODEL_KEY@'), ('model_name', 'old-model'), ('dimension', '4');
            INSERT INTO subjects VALUES (1, 'ann', '2026-01-02T03:04:05.0000000+00:00', $a), (2, '/0123abcd', '2026-01-03T03:04:05.0000000+00:00', $b);
            INSERT INTO faces VALUES (10, 1, '2026-01-02T03:04:05.0000000+00:00', $a, x'', 'ann.jpg'),
                (20, 2, '2026-01-03T03:04:05.0000000+00:00', $b, x'', 'u1.jpg'), (21, 2, '2026-01-03T03:04:06.0000000+00:00', $b, x'', NULL);
            INSERT INTO audit VALUES (1, '2026-01-03T03:04:05.0000000+00:00', 'k1', 'group.add', 'group #2', '20', 2);
            """.Replace("@MODEL_KEY@", Model.Key, StringComparison.Ordinal));

        await using (var gallery = await SqliteGallery.OpenAsync(DbPath, Model))
        {
            Assert.Equal([("ann", 1)], (await gallery.ListSubjectsAsync()).Select(s => (s.Name, s.FaceCount)));
            var group = Assert.Single(await gallery.ListGroupsAsync());
            Assert.Equal((2L, new DateTimeOffset(2026, 1, 3, 3, 4, 5, TimeSpan.Zero)), (group.Id, group.CreatedUtc));
            Assert.Equal([(20L, "u1.jpg"), (21L, null)], group.Faces.Select(f => (f.Id, f.Source)));
            Assert.Equal(1, await gallery.CountFacesAsync());
            Assert.Equal("ann", Assert.Single(await gallery.SearchAsync([0, 1, 0, 0], 5, SubjectScoring.BestFace)).Subject);   // the group is not proposed

            // The migrated group is in the index: a face like it joins it.
            Assert.Equal(2L, (await gallery.AddToGroupsAsync(new NewFace([0, 1, 0, 0], []), 0.9f, "k1")).Group);
            Assert.Equal("ann", (await gallery.NameGroupAsync(2, "ann", "k1")).Name);
            Assert.Equal([10L, 20, 21, 22], (await gallery.ListFacesAsync("ann")).Select(f => f.Id));
        }

        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM subjects WHERE name LIKE '/%'"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM audit WHERE subject_id = 2"));
        Assert.Equal(FaceGallery.SchemaVersion, Scalar("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema'"));
    }

    [Fact]
    public async Task A_gallery_of_a_newer_schema_is_refused_with_a_message()
    {
        await (await SqliteGallery.OpenAsync(DbPath, Model)).DisposeAsync();
        Run("UPDATE meta SET value = '99' WHERE key = 'schema'");
        var e = await Assert.ThrowsAsync<GalleryException>(() => SqliteGallery.OpenAsync(DbPath, Model));
        Assert.Contains("upgrade ArcFaceKit", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Blob(params float[] v) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();

    private void Run(string sql)
    {
        using var db = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$a", Blob(1, 0, 0, 0));
        cmd.Parameters.AddWithValue("$b", Blob(0, 1, 0, 0));
        cmd.Parameters.AddWithValue("$c", Blob(0, 0, 1, 0));
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var db = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }
}
