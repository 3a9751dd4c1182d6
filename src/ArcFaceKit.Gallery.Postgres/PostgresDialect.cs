using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace ArcFaceKit.Gallery;

/// <summary>
/// PostgreSQL under the shared gallery: pooled connections, timestamptz, row locks, and migrations that seal what
/// earlier versions kept plain (the gallery seals per subject with <see cref="KeyRingSealing"/>, whose key file is bound
/// to the gallery here). Any number of nodes can share the database (<see cref="GalleryIndex"/> keeps each node's index
/// in step through the <see cref="SnapshotFeed"/>, which lets them write in parallel).
/// </summary>
internal sealed class PostgresDialect(NpgsqlDataSource source, PostgresGalleryOptions options) : GalleryDialect
{
    public override string Kind => "postgres";

    public override string Where => $"PostgreSQL schema '{options.Schema}'";

    public override string LockRow => " FOR UPDATE";

    /// <summary>Writers of different subjects commit in parallel, on any number of nodes.</summary>
    public override ChangeFeed Feed { get; } = new SnapshotFeed();

    public static NpgsqlDataSource CreateSource(PostgresGalleryOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = $"\"{options.Schema}\",public";
        builder.ConnectionStringBuilder.CommandTimeout = Math.Max(builder.ConnectionStringBuilder.CommandTimeout, 300);
        return builder.Build();
    }

    public override async ValueTask<Lease> LeaseAsync(CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(connection, connection.DisposeAsync);
    }

    public override async Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, SubjectSealing sealing, CancellationToken cancellationToken)
    {
        Task Run(string sql, params (string, object?)[] args) => GalleryDb.ExecuteAsync(connection, tx, cancellationToken, sql, args);
        var keys = (KeyRingSealing)sealing;

        // One initialiser at a time per schema, so two nodes starting together cannot both pin a model.
        await Run("SELECT pg_advisory_xact_lock(hashtext('arcfacekit:' || @s))", ("s", options.Schema)).ConfigureAwait(false);
        await Run($"CREATE SCHEMA IF NOT EXISTS \"{options.Schema}\"").ConfigureAwait(false);
        await Run("""
            CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE IF NOT EXISTS subjects(id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, created_utc timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS api_keys(id text PRIMARY KEY, name text NOT NULL, scopes int NOT NULL, secret_hash text NOT NULL,
                created_utc timestamptz NOT NULL, revoked_utc timestamptz);
            CREATE TABLE IF NOT EXISTS audit(id bigserial PRIMARY KEY, time_utc timestamptz NOT NULL DEFAULT now(), key_id text NOT NULL,
                action text NOT NULL, subject text, detail text);
            ALTER TABLE audit ADD COLUMN IF NOT EXISTS subject_id bigint;
            CREATE TABLE IF NOT EXISTS request_keys(key_id text NOT NULL, request_key text NOT NULL, subject_id bigint NOT NULL,
                face_ids text NOT NULL, created_utc timestamptz NOT NULL, PRIMARY KEY (key_id, request_key));
            CREATE TABLE IF NOT EXISTS gallery_version(id int PRIMARY KEY, v bigint NOT NULL);
            ALTER TABLE gallery_version ADD COLUMN IF NOT EXISTS nonce bigint NOT NULL DEFAULT 0;
            INSERT INTO gallery_version(id, v, nonce) VALUES (1, 0, (random() * 9e18)::bigint) ON CONFLICT (id) DO NOTHING;
            """).ConfigureAwait(false);
        await SnapshotFeed.CreateOrMigrateAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        // The key file is bound to this gallery's id, so a key file can never serve two galleries.
        await Run("INSERT INTO meta(key, value) VALUES ('gallery_id', @g) ON CONFLICT (key) DO NOTHING", ("g", Guid.NewGuid().ToString("N"))).ConfigureAwait(false);
        string galleryId = await GalleryDb.ScalarAsync<string>(connection, tx, cancellationToken, "SELECT value FROM meta WHERE key = 'gallery_id'").ConfigureAwait(false);
        await keys.BindAsync(galleryId, Where).ConfigureAwait(false);
        if (dimension > 0)
        {
            string? embeddingType = await GalleryDb.ScalarAsync<string?>(connection, tx, cancellationToken,
                "SELECT data_type FROM information_schema.columns WHERE table_schema = @s AND table_name = 'faces' AND column_name = 'embedding'", ("s", options.Schema)).ConfigureAwait(false);
            await Run("""
                CREATE TABLE IF NOT EXISTS faces(id bigserial PRIMARY KEY, subject_id bigint NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                    created_utc timestamptz NOT NULL DEFAULT now(), embedding bytea NOT NULL, crop bytea NOT NULL, source text);
                ALTER TABLE faces ADD COLUMN IF NOT EXISTS source text;
                CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
                """).ConfigureAwait(false);
            if (embeddingType is not null and not "bytea")
            {
                await SealPlainStoreAsync(connection, tx, keys, cancellationToken).ConfigureAwait(false);
            }

            // Groups (and cameras, schema 5, and webhooks, schema 6) draw their ids from the subjects' sequence: sealing keys by id, so none of them shares keys with another.
            await Run("""

                ALTER TABLE subjects ADD COLUMN IF NOT EXISTS template bytea;
                CREATE TABLE IF NOT EXISTS face_groups(id bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('subjects', 'id')),
                    created_utc timestamptz NOT NULL DEFAULT now(), template bytea);
                ALTER TABLE faces ADD COLUMN IF NOT EXISTS group_id bigint REFERENCES face_groups(id) ON DELETE CASCADE;
                ALTER TABLE faces ALTER COLUMN subject_id DROP NOT NULL;
                CREATE INDEX IF NOT EXISTS faces_group ON faces(group_id);
                CREATE TABLE IF NOT EXISTS cameras(id bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('subjects', 'id')),
                    name text NOT NULL UNIQUE, source bytea NOT NULL, settings text NOT NULL, created_utc timestamptz NOT NULL, updated_utc timestamptz NOT NULL);
                CREATE TABLE IF NOT EXISTS webhooks(id bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('subjects', 'id')),
                    key_id text NOT NULL, url text NOT NULL, filter text NOT NULL, secret bytea NOT NULL, created_utc timestamptz NOT NULL);
                CREATE TABLE IF NOT EXISTS snapshots(id text PRIMARY KEY, camera_id bigint NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
                    subject_id bigint REFERENCES subjects(id) ON DELETE CASCADE, group_id bigint REFERENCES face_groups(id) ON DELETE CASCADE,
                    created_utc timestamptz NOT NULL, image bytea NOT NULL);
                """ + GallerySchema.SnapshotIndexes).ConfigureAwait(false);
            if (await GalleryDb.ScalarAsync<long>(connection, tx, cancellationToken, "SELECT COUNT(*) FROM subjects WHERE name LIKE '/%'").ConfigureAwait(false) > 0)
            {
                // Schemas 2 and 3 kept groups as subjects named "/…": the same ids (and so the same keys) become groups.
                await Run("""

                    INSERT INTO face_groups(id, created_utc, template) SELECT id, created_utc, template FROM subjects WHERE name LIKE '/%';
                    UPDATE faces SET group_id = subject_id, subject_id = NULL WHERE subject_id IN (SELECT id FROM face_groups);
                    UPDATE audit SET subject_id = NULL WHERE subject_id IN (SELECT id FROM face_groups);
                    DELETE FROM subjects WHERE name LIKE '/%';
                    """).ConfigureAwait(false);
            }
        }

        await GallerySchema.CheckOrWriteAsync(Where, connection, tx, cancellationToken).ConfigureAwait(false);
    }

    public override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override ValueTask DisposeAsync() => source.DisposeAsync();

    /// <summary>
    /// A store of an earlier version kept embeddings in plain pgvector columns: each subject's embeddings and crops are
    /// sealed under a new key of its own, the plain columns dropped and the table rewritten (VACUUM FULL cannot run in
    /// a transaction; docs/server.md says what of the plain data PostgreSQL may still hold).
    /// </summary>
    private static async Task SealPlainStoreAsync(DbConnection connection, DbTransaction tx, KeyRingSealing keys, CancellationToken cancellationToken)
    {
        await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, """
            ALTER TABLE faces RENAME COLUMN embedding TO embedding_plain;
            ALTER TABLE faces ADD COLUMN embedding bytea;
            ALTER TABLE subjects DROP COLUMN IF EXISTS template;
            """).ConfigureAwait(false);
        var faces = new List<(long Id, long Subject, float[] Embedding, byte[] Crop)>();
        await using (var cmd = GalleryDb.Command(connection, tx, "SELECT id, subject_id, embedding_plain::text, crop FROM faces"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                float[] embedding = [.. reader.GetString(2).Trim('[', ']').Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
                faces.Add((reader.GetInt64(0), reader.GetInt64(1), embedding, (byte[])reader.GetValue(3)));
            }
        }

        foreach (var (id, subject, embedding, crop) in faces)
        {
            await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "UPDATE faces SET embedding = @e, crop = @c WHERE id = @i",
                ("e", keys.SealFloats(subject, embedding)), ("c", keys.Seal(subject, crop)), ("i", id)).ConfigureAwait(false);
        }

        await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "ALTER TABLE faces DROP COLUMN embedding_plain; ALTER TABLE faces ALTER COLUMN embedding SET NOT NULL;").ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "ALTER TABLE subjects ADD COLUMN template bytea").ConfigureAwait(false);
        await StoredTemplates.RebuildAsync(keys, connection, tx, cancellationToken).ConfigureAwait(false);
    }
}
