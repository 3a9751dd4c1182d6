using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The SQLite tables of gallery schema 8 (5 added cameras, 6 webhooks, 7 snapshots, 8 nothing here: it changed PostgreSQL's feed; each created when a file of the schema before is opened), and the migrations from the two version-1 formats (the CLI's gallery:
/// gallery_meta, identities with a template, faces without crops; the server's store: no templates, no sources) and
/// from schemas 2 and 3 (groups of unnamed faces kept as subjects named with a leading slash).
/// </summary>
internal static class SqliteSchema
{
    private const string Groups = """
        CREATE TABLE IF NOT EXISTS face_groups(id INTEGER PRIMARY KEY, created_utc TEXT NOT NULL, template BLOB);

        """;

    /// <summary>Each face belongs to one subject or one group.</summary>
    private const string Faces = """
        CREATE TABLE IF NOT EXISTS faces(id INTEGER PRIMARY KEY, subject_id INTEGER REFERENCES subjects(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES face_groups(id) ON DELETE CASCADE, created_utc TEXT NOT NULL, embedding BLOB NOT NULL,
            crop BLOB NOT NULL, source TEXT, CHECK ((subject_id IS NULL) <> (group_id IS NULL)));

        """;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB);

        """ + Groups + Faces + """
        CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
        CREATE INDEX IF NOT EXISTS faces_group ON faces(group_id);
        CREATE TABLE IF NOT EXISTS api_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes INTEGER NOT NULL, secret_hash TEXT NOT NULL,
            created_utc TEXT NOT NULL, revoked_utc TEXT);
        CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, key_id TEXT NOT NULL, action TEXT NOT NULL,
            subject TEXT, detail TEXT, subject_id INTEGER);
        CREATE TABLE IF NOT EXISTS request_keys(key_id TEXT NOT NULL, request_key TEXT NOT NULL, subject_id INTEGER NOT NULL,
            face_ids TEXT NOT NULL, created_utc TEXT NOT NULL, PRIMARY KEY (key_id, request_key));
        CREATE TABLE IF NOT EXISTS gallery_version(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, nonce INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS gallery_changes(v INTEGER NOT NULL, nonce INTEGER NOT NULL, owner INTEGER NOT NULL, is_group INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS gallery_changes_v ON gallery_changes(v);
        CREATE TABLE IF NOT EXISTS cameras(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, source BLOB NOT NULL, settings TEXT NOT NULL,
            created_utc TEXT NOT NULL, updated_utc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS webhooks(id INTEGER PRIMARY KEY, key_id TEXT NOT NULL, url TEXT NOT NULL, filter TEXT NOT NULL, secret BLOB NOT NULL,
            created_utc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS snapshots(id TEXT PRIMARY KEY, camera_id INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
            subject_id INTEGER REFERENCES subjects(id) ON DELETE CASCADE, group_id INTEGER REFERENCES face_groups(id) ON DELETE CASCADE,
            created_utc TEXT NOT NULL, image BLOB NOT NULL);
        INSERT OR IGNORE INTO gallery_version(id, v, nonce) VALUES (1, 0, random());
        """ + GallerySchema.SnapshotIndexes;

    /// <summary>
    /// Schemas 2 and 3 kept groups as subjects named "/…" and every face under a subject: the groups get rows of their
    /// own (same ids, times and templates) and the faces table is rebuilt with its faces (same ids) under one or the other.
    /// </summary>
    private const string FromSchema3 = Groups + """
        INSERT INTO face_groups(id, created_utc, template) SELECT id, created_utc, template FROM subjects WHERE name LIKE '/%';
        ALTER TABLE faces RENAME TO faces_v3;

        """ + Faces + """
        INSERT INTO faces(id, subject_id, group_id, created_utc, embedding, crop, source)
            SELECT f.id, CASE WHEN g.id IS NULL THEN f.subject_id END, g.id, f.created_utc, f.embedding, f.crop, f.source
            FROM faces_v3 f LEFT JOIN face_groups g ON g.id = f.subject_id;
        DROP TABLE faces_v3;
        """;

    /// <summary>Then the former group subjects go, and audit entries no longer point at their ids, which a new subject could take.</summary>
    private const string GroupSubjectsGone = """
        UPDATE audit SET subject_id = NULL WHERE subject_id IN (SELECT id FROM face_groups);
        DELETE FROM subjects WHERE name LIKE '/%';
        """;

    /// <summary>The CLI's version-1 gallery: identities become subjects (same ids, names, times), faces keep their ids and sources, no crops.</summary>
    private const string FromCliGallery = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta(key, value) SELECT key, value FROM gallery_meta WHERE key <> 'schema';
        CREATE TABLE subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB);
        INSERT INTO subjects(id, name, created_utc) SELECT id, name, created_utc FROM identities;
        ALTER TABLE faces RENAME TO faces_v1;
        CREATE TABLE faces(id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
            created_utc TEXT NOT NULL, embedding BLOB NOT NULL, crop BLOB NOT NULL, source TEXT);
        INSERT INTO faces(id, subject_id, created_utc, embedding, crop, source)
            SELECT f.id, f.identity_id, i.created_utc, f.embedding, x'', NULLIF(f.source, '') FROM faces_v1 f JOIN identities i ON i.id = f.identity_id;
        DROP INDEX IF EXISTS faces_identity;
        DROP TABLE faces_v1;
        DROP TABLE identities;
        DROP TABLE gallery_meta;
        """;

    /// <summary>The server's version-1 store: the same tables, without templates and sources.</summary>
    private const string FromServerStore = """
        ALTER TABLE subjects ADD COLUMN template BLOB;
        ALTER TABLE faces ADD COLUMN source TEXT;
        """;

    public static async Task CreateOrMigrateAsync(string where, SubjectSealing sealing, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = GalleryDb.Command(db, tx, "SELECT name FROM sqlite_master WHERE type = 'table'"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }

        string? migration = tables.Contains("gallery_meta") && tables.Contains("identities")
            ? FromCliGallery
            : tables.Contains("subjects") && !await HasColumnAsync(db, tx, "faces", "source", cancellationToken).ConfigureAwait(false) ? FromServerStore : null;
        if (migration is not null)
        {
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, migration).ConfigureAwait(false);
        }

        bool fromSchema3 = tables.Contains("faces") && !await HasColumnAsync(db, tx, "faces", "group_id", cancellationToken).ConfigureAwait(false);
        if (fromSchema3)
        {
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, FromSchema3).ConfigureAwait(false);
        }

        await GalleryDb.ExecuteAsync(db, tx, cancellationToken, Tables).ConfigureAwait(false);
        if (!await HasColumnAsync(db, tx, "audit", "subject_id", cancellationToken).ConfigureAwait(false))
        {
            // Audit entries name the subject's id too, so erasing a subject can scrub every name it had from the log.
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "ALTER TABLE audit ADD COLUMN subject_id INTEGER").ConfigureAwait(false);
        }

        if (fromSchema3)
        {
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, GroupSubjectsGone).ConfigureAwait(false);
        }

        if (migration is not null)
        {
            await StoredTemplates.RebuildAsync(sealing, db, tx, cancellationToken).ConfigureAwait(false);
        }

        await GallerySchema.CheckOrWriteAsync(where, db, tx, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> HasColumnAsync(DbConnection db, DbTransaction tx, string table, string column, CancellationToken cancellationToken) =>
        await GalleryDb.ScalarAsync<long>(db, tx, cancellationToken, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @c", ("c", column)).ConfigureAwait(false) > 0;
}
