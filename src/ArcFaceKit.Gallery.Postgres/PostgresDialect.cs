using System.Data.Common;
using Npgsql;
using Pgvector;

namespace ArcFaceKit.Gallery;

/// <summary>
/// PostgreSQL + pgvector under the shared gallery: pooled connections, vector columns, timestamptz, and the nearest
/// faces and templates found in the database (cosine distance; exact with index scans off, or through HNSW).
/// </summary>
internal sealed class PostgresDialect(NpgsqlDataSource source, PostgresGalleryOptions options) : GalleryDialect
{
    public override string Kind => options.Hnsw ? "postgres+pgvector (hnsw)" : "postgres+pgvector (exact)";

    public override string Where => $"PostgreSQL schema '{options.Schema}'";

    public override string LockRow => " FOR UPDATE";

    public static NpgsqlDataSource CreateSource(PostgresGalleryOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = $"\"{options.Schema}\",public";
        builder.ConnectionStringBuilder.CommandTimeout = Math.Max(builder.ConnectionStringBuilder.CommandTimeout, 300);
        builder.UseVector();
        return builder.Build();
    }

    public override async ValueTask<Lease> LeaseAsync(CancellationToken cancel)
    {
        var connection = await source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        return new Lease(connection, connection.DisposeAsync);
    }

    public override async Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, CancellationToken cancel)
    {
        Task Run(string sql, params (string, object?)[] args) => FaceGallery.ExecuteAsync(connection, tx, cancel, sql, args);

        // One initialiser at a time per schema, so two nodes starting together cannot both pin a model.
        await Run("SELECT pg_advisory_xact_lock(hashtext('arcfacekit:' || @s))", ("s", options.Schema)).ConfigureAwait(false);
        await Run("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public").ConfigureAwait(false);
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
            """).ConfigureAwait(false);
        if (dimension > 0)
        {
            bool hadFaces = await FaceGallery.ScalarAsync<long>(connection, tx, cancel,
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = @s AND table_name = 'faces'", ("s", options.Schema)).ConfigureAwait(false) > 0;
            bool hadSources = await FaceGallery.ScalarAsync<long>(connection, tx, cancel,
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = @s AND table_name = 'faces' AND column_name = 'source'", ("s", options.Schema)).ConfigureAwait(false) > 0;
            await Run($"""
                CREATE TABLE IF NOT EXISTS faces(id bigserial PRIMARY KEY, subject_id bigint NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                    created_utc timestamptz NOT NULL DEFAULT now(), embedding vector({dimension}) NOT NULL, crop bytea NOT NULL, source text);
                ALTER TABLE faces ADD COLUMN IF NOT EXISTS source text;
                ALTER TABLE subjects ADD COLUMN IF NOT EXISTS template vector({dimension});
                CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
                """).ConfigureAwait(false);
            if (hadFaces && !hadSources)
            {
                await FaceGallery.RebuildTemplatesAsync(this, connection, tx, cancel).ConfigureAwait(false);
            }

            if (options.Hnsw)
            {
                await Run("""
                    CREATE INDEX IF NOT EXISTS faces_embedding_hnsw ON faces USING hnsw (embedding vector_cosine_ops);
                    CREATE INDEX IF NOT EXISTS subjects_template_hnsw ON subjects USING hnsw (template vector_cosine_ops);
                    """).ConfigureAwait(false);
            }
        }

        await FaceGallery.CheckOrWriteSchemaAsync(this, connection, tx, cancel).ConfigureAwait(false);
    }

    public override async Task SchemaCommittedAsync(DbConnection connection, CancellationToken cancel) =>
        await ((NpgsqlConnection)connection).ReloadTypesAsync(cancel).ConfigureAwait(false);

    public override object EmbeddingValue(float[] embedding) => new Vector(embedding);

    public override float[] ReadEmbedding(DbDataReader reader, int ordinal) => reader.GetFieldValue<Vector>(ordinal).ToArray();

    public override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override async Task<int> CountFacesAsync(DbConnection connection, CancellationToken cancel) =>
        (int)await FaceGallery.ScalarAsync<long>(connection, null, cancel, "SELECT count(*) FROM faces").ConfigureAwait(false);

    public override Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        NearestAsync(connection, n, cancel, """
            SELECT id, subject_id, (1 - d)::real FROM
              (SELECT id, subject_id, embedding <=> @p AS d FROM faces ORDER BY embedding <=> @p LIMIT @n) n ORDER BY d, id
            """, probe, r => new FaceHit(r.GetInt64(0), r.GetInt64(1), r.GetFloat(2)));

    public override Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        NearestAsync(connection, n, cancel, """
            SELECT id, (1 - d)::real FROM
              (SELECT id, template <=> @p AS d FROM subjects WHERE template IS NOT NULL ORDER BY template <=> @p LIMIT @n) n ORDER BY d, id
            """, probe, r => new TemplateHit(r.GetInt64(0), r.GetFloat(1)));

    public override async Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection connection, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancel)
    {
        await using var cmd = FaceGallery.Command(connection, null, """
            SELECT s.name, f.id, (1 - (f.embedding <=> @p))::real, (1 - (s.template <=> @p))::real
            FROM subjects s JOIN LATERAL (SELECT id, embedding FROM faces WHERE subject_id = s.id ORDER BY embedding <=> @p, id LIMIT 1) f ON true
            WHERE s.id = ANY(@ids)
            """, ("p", new Vector(probe)), ("ids", subjects.ToArray()));
        await using var reader = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        var list = new List<SubjectMatch>(subjects.Count);
        while (await reader.ReadAsync(cancel).ConfigureAwait(false))
        {
            float face = reader.GetFloat(2);
            list.Add(new SubjectMatch(reader.GetString(0), face, reader.GetInt64(1), face, reader.GetFloat(3)));
        }

        return list;
    }

    public override ValueTask DisposeAsync() => source.DisposeAsync();

    /// <summary>A nearest-neighbour query in its own transaction: exact (index scans off) or through HNSW with ef_search at least n.</summary>
    private async Task<IReadOnlyList<T>> NearestAsync<T>(DbConnection connection, int n, CancellationToken cancel, string sql, float[] probe, Func<DbDataReader, T> row)
    {
        await using var tx = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        string setting = options.Hnsw ? $"SET LOCAL hnsw.ef_search = {Math.Clamp(n, options.EfSearch, 1000)}" : "SET LOCAL enable_indexscan = off";
        await FaceGallery.ExecuteAsync(connection, tx, cancel, setting).ConfigureAwait(false);
        await using var cmd = FaceGallery.Command(connection, tx, sql, ("p", new Vector(probe)), ("n", n));
        var list = new List<T>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            {
                list.Add(row(reader));
            }
        }

        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return list;
    }
}
