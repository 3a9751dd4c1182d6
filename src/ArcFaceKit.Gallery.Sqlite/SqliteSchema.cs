using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The SQLite tables of gallery schema 2, and the migrations from the two version-1 formats: the CLI's gallery
/// (gallery_meta, identities with a template, faces without crops) and the server's store (no templates, no sources).
/// </summary>
internal static class SqliteSchema
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB);
        CREATE TABLE IF NOT EXISTS faces(id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
            created_utc TEXT NOT NULL, embedding BLOB NOT NULL, crop BLOB NOT NULL, source TEXT);
        CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
        CREATE TABLE IF NOT EXISTS api_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes INTEGER NOT NULL, secret_hash TEXT NOT NULL,
            created_utc TEXT NOT NULL, revoked_utc TEXT);
        CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, key_id TEXT NOT NULL, action TEXT NOT NULL,
            subject TEXT, detail TEXT, subject_id INTEGER);
        CREATE TABLE IF NOT EXISTS request_keys(key_id TEXT NOT NULL, request_key TEXT NOT NULL, subject_id INTEGER NOT NULL,
            face_ids TEXT NOT NULL, created_utc TEXT NOT NULL, PRIMARY KEY (key_id, request_key));
        CREATE TABLE IF NOT EXISTS gallery_version(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, nonce INTEGER NOT NULL);
        INSERT OR IGNORE INTO gallery_version(id, v, nonce) VALUES (1, 0, random());
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

    public static async Task CreateOrMigrateAsync(GalleryDialect dialect, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = FaceGallery.Command(db, tx, "SELECT name FROM sqlite_master WHERE type = 'table'"))
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
            await FaceGallery.ExecuteAsync(db, tx, cancellationToken, migration).ConfigureAwait(false);
        }

        await FaceGallery.ExecuteAsync(db, tx, cancellationToken, Tables).ConfigureAwait(false);
        if (!await HasColumnAsync(db, tx, "audit", "subject_id", cancellationToken).ConfigureAwait(false))
        {
            // Audit entries name the subject's id too, so erasing a subject can scrub every name it had from the log.
            await FaceGallery.ExecuteAsync(db, tx, cancellationToken, "ALTER TABLE audit ADD COLUMN subject_id INTEGER").ConfigureAwait(false);
        }

        if (migration is not null)
        {
            await FaceGallery.RebuildTemplatesAsync(dialect, db, tx, cancellationToken).ConfigureAwait(false);
        }

        await FaceGallery.CheckOrWriteSchemaAsync(dialect, db, tx, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> HasColumnAsync(DbConnection db, DbTransaction tx, string table, string column, CancellationToken cancellationToken) =>
        await FaceGallery.ScalarAsync<long>(db, tx, cancellationToken, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = @c", ("c", column)).ConfigureAwait(false) > 0;
}
