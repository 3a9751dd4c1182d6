using System.Globalization;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Server.Security;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace ArcFaceKit.Server.Storage;

/// <summary>
/// The store for users who outgrow one machine: PostgreSQL with pgvector, searched in the database. Exact search
/// (a scan) by default; with <see cref="PostgresOptions.Hnsw"/> an HNSW index answers instead (approximate: measure
/// its recall with <see cref="NearestFaces"/>). Stateless: any number of API nodes can share one database.
/// </summary>
public sealed class PostgresStore : IFaceStore, IKeyStore
{
    private readonly NpgsqlDataSource _db;
    private readonly PostgresOptions _options;
    private readonly int _dimension;

    private PostgresStore(NpgsqlDataSource db, PostgresOptions options, int dimension)
    {
        _db = db;
        _options = options;
        _dimension = dimension;
    }

    public string Kind => _options.Hnsw ? "postgres+pgvector (hnsw)" : "postgres+pgvector (exact)";

    public int FaceCount => (int)Scalar<long>(null, "SELECT count(*) FROM faces");

    /// <summary>Opens (creating what is missing) the store in the options' schema; with a model it is pinned to it, without only keys work.</summary>
    public static PostgresStore Open(PostgresOptions options, ModelIdentity? model)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.Schema, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new StoreException(StoreError.Invalid, $"Schema '{options.Schema}': use lower-case letters, digits and underscores.");
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = $"\"{options.Schema}\",public";
        builder.ConnectionStringBuilder.CommandTimeout = Math.Max(builder.ConnectionStringBuilder.CommandTimeout, 300);
        builder.UseVector();
        var db = builder.Build();
        try
        {
            int dimension = Initialize(db, options, model);
            return new PostgresStore(db, options, dimension);
        }
        catch (NpgsqlException e)
        {
            db.Dispose();
            throw new StoreException(StoreError.Invalid, $"PostgreSQL store not usable: {e.Message}", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    public IReadOnlyList<Subject> ListSubjects() => Subjects(null);

    public Subject? GetSubject(string name) => Subjects(name).SingleOrDefault();

    public Subject CreateSubject(string name, string actor)
    {
        SubjectNames.Check(name);
        Write(tx =>
        {
            if (Scalar<long?>(tx, "INSERT INTO subjects(name) VALUES (@n) ON CONFLICT (name) DO NOTHING RETURNING id", ("n", name)) is null)
            {
                throw new StoreException(StoreError.Conflict, $"Subject '{name}' already exists.");
            }

            AuditWrite(tx, actor, "subject.create", name, null);
        });
        return GetSubject(name)!;
    }

    public Subject RenameSubject(string name, string newName, string actor)
    {
        SubjectNames.Check(newName);
        try
        {
            Write(tx =>
            {
                if (Execute(tx, "UPDATE subjects SET name = @to WHERE name = @n", ("n", name), ("to", newName)) == 0)
                {
                    throw NotFound(name);
                }

                AuditWrite(tx, actor, "subject.rename", newName, $"from '{name}'");
            });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new StoreException(StoreError.Conflict, $"Subject '{newName}' already exists.");
        }

        return GetSubject(newName)!;
    }

    public bool DeleteSubject(string name, string actor) => Write(tx =>
    {
        long? faces = Scalar<long?>(tx, "WITH s AS (DELETE FROM subjects WHERE name = @n RETURNING id) SELECT (SELECT count(*) FROM faces WHERE subject_id IN (SELECT id FROM s)) FROM s", ("n", name));
        if (faces is null)
        {
            return false;
        }

        AuditWrite(tx, actor, "subject.delete", name, $"{faces} faces erased");
        return true;
    });

    public IReadOnlyList<StoredFace> AddFaces(string subject, IReadOnlyList<NewFace> faces, string actor)
    {
        SubjectNames.Check(subject);
        foreach (var face in faces)
        {
            StoreChecks.Dimension(face.Embedding, _dimension);
        }

        return Write(tx =>
        {
            Execute(tx, "INSERT INTO subjects(name) VALUES (@n) ON CONFLICT (name) DO NOTHING", ("n", subject));
            long id = Scalar<long>(tx, "SELECT id FROM subjects WHERE name = @n FOR SHARE", ("n", subject));
            var added = new List<StoredFace>(faces.Count);
            foreach (var face in faces)
            {
                using var cmd = Command(tx, "INSERT INTO faces(subject_id, embedding, crop) VALUES (@s, @e, @c) RETURNING id, created_utc",
                    ("s", id), ("e", new Vector(face.Embedding)), ("c", face.CropPng));
                using var reader = cmd.ExecuteReader();
                reader.Read();
                added.Add(new StoredFace(reader.GetInt64(0), subject, reader.GetFieldValue<DateTimeOffset>(1)));
            }

            AuditWrite(tx, actor, "face.add", subject, string.Join(",", added.Select(f => f.Id)));
            return added;
        });
    }

    public IReadOnlyList<StoredFace> ListFaces(string subject)
    {
        long id = Scalar<long?>(null, "SELECT id FROM subjects WHERE name = @n", ("n", subject)) ?? throw NotFound(subject);
        using var cmd = Command(null, "SELECT id, created_utc FROM faces WHERE subject_id = @s ORDER BY id", ("s", id));
        using var reader = cmd.ExecuteReader();
        var list = new List<StoredFace>();
        while (reader.Read())
        {
            list.Add(new StoredFace(reader.GetInt64(0), subject, reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return list;
    }

    public bool DeleteFace(string subject, long faceId, string actor) => Write(tx =>
    {
        long id = Scalar<long?>(tx, "SELECT id FROM subjects WHERE name = @n", ("n", subject)) ?? throw NotFound(subject);
        if (Execute(tx, "DELETE FROM faces WHERE id = @f AND subject_id = @s", ("f", faceId), ("s", id)) == 0)
        {
            return false;
        }

        AuditWrite(tx, actor, "face.delete", subject, faceId.ToString(CultureInfo.InvariantCulture));
        return true;
    });

    public byte[]? FaceImage(string subject, long faceId) =>
        Scalar<byte[]?>(null, "SELECT f.crop FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = @f AND s.name = @n", ("f", faceId), ("n", subject));

    public IReadOnlyList<SubjectHit> Search(float[] probe, int k)
    {
        StoreChecks.Dimension(probe, _dimension);
        // No count(*) per query: Collect stops when the database returns fewer faces than asked.
        return TopSubjects.Collect(n => NearestFaces(probe, n, exact: !_options.Hnsw), k, int.MaxValue);
    }

    /// <summary>The n faces nearest the probe, best first: exact (a scan, index scans off) or through the HNSW index when there is one.</summary>
    public IReadOnlyList<SubjectHit> NearestFaces(float[] probe, int n, bool exact)
    {
        using var conn = _db.OpenConnection();
        using var tx = conn.BeginTransaction();
        using (var set = new NpgsqlCommand(exact ? "SET LOCAL enable_indexscan = off" : $"SET LOCAL hnsw.ef_search = {Math.Clamp(n, _options.EfSearch, 1000)}", conn, tx))
        {
            set.ExecuteNonQuery();
        }

        using var cmd = new NpgsqlCommand("""
            SELECT s.name, n.id, (1 - n.d)::real FROM
              (SELECT id, subject_id, embedding <=> @p AS d FROM faces ORDER BY embedding <=> @p LIMIT @n) n
            JOIN subjects s ON s.id = n.subject_id ORDER BY n.d, n.id
            """, conn, tx);
        cmd.Parameters.AddWithValue("p", new Vector(probe));
        cmd.Parameters.AddWithValue("n", n);
        using var reader = cmd.ExecuteReader();
        var hits = new List<SubjectHit>(n);
        while (reader.Read())
        {
            hits.Add(new SubjectHit(reader.GetString(0), reader.GetInt64(1), reader.GetFloat(2)));
        }

        return hits;
    }

    public SubjectHit? BestFaceOf(string subject, float[] probe)
    {
        StoreChecks.Dimension(probe, _dimension);
        long id = Scalar<long?>(null, "SELECT id FROM subjects WHERE name = @n", ("n", subject)) ?? throw NotFound(subject);
        using var cmd = Command(null, "SELECT id, (1 - (embedding <=> @p))::real FROM faces WHERE subject_id = @s ORDER BY embedding <=> @p LIMIT 1", ("s", id), ("p", new Vector(probe)));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? new SubjectHit(subject, reader.GetInt64(0), reader.GetFloat(1)) : null;
    }

    public IReadOnlyList<AuditEntry> Audit(int limit)
    {
        using var cmd = Command(null, "SELECT id, time_utc, key_id, action, subject, detail FROM audit ORDER BY id DESC LIMIT @l", ("l", limit));
        using var reader = cmd.ExecuteReader();
        var list = new List<AuditEntry>();
        while (reader.Read())
        {
            list.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }

    public void AddKey(StoredKey key) => Write(tx =>
    {
        Execute(tx, "INSERT INTO api_keys(id, name, scopes, secret_hash, created_utc) VALUES (@i, @n, @s, @h, @t)",
            ("i", key.Id), ("n", key.Name), ("s", (int)key.Scopes), ("h", key.SecretHash), ("t", key.CreatedUtc));
        AuditWrite(tx, "cli", "key.create", null, key.Id);
    });

    public StoredKey? FindKey(string id) => Keys(id).SingleOrDefault();

    public bool RevokeKey(string id) => Write(tx =>
    {
        if (Execute(tx, "UPDATE api_keys SET revoked_utc = now() WHERE id = @i AND revoked_utc IS NULL", ("i", id)) == 0)
        {
            return false;
        }

        AuditWrite(tx, "cli", "key.revoke", null, id);
        return true;
    });

    public IReadOnlyList<StoredKey> ListKeys() => Keys(null);

    public void Dispose() => _db.Dispose();

    private static int Initialize(NpgsqlDataSource db, PostgresOptions options, ModelIdentity? model)
    {
        using var conn = db.OpenConnection();
        using var tx = conn.BeginTransaction();
        void Run(string sql, params (string Name, object? Value)[] args)
        {
            using var cmd = new NpgsqlCommand(sql, conn, tx);
            foreach (var (n, v) in args)
            {
                cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
            }

            cmd.ExecuteNonQuery();
        }

        string? Read(string key)
        {
            using var cmd = new NpgsqlCommand("SELECT value FROM meta WHERE key = @k", conn, tx);
            cmd.Parameters.AddWithValue("k", key);
            return cmd.ExecuteScalar() as string;
        }

        // One initialiser at a time per database, so two nodes starting together cannot both pin a model.
        Run("SELECT pg_advisory_xact_lock(hashtext('arcfacekit:' || @s))", ("s", options.Schema));
        Run("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public");
        Run($"CREATE SCHEMA IF NOT EXISTS \"{options.Schema}\"");
        Run("""
            CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE IF NOT EXISTS subjects(id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, created_utc timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS api_keys(id text PRIMARY KEY, name text NOT NULL, scopes int NOT NULL, secret_hash text NOT NULL,
                created_utc timestamptz NOT NULL, revoked_utc timestamptz);
            CREATE TABLE IF NOT EXISTS audit(id bigserial PRIMARY KEY, time_utc timestamptz NOT NULL DEFAULT now(), key_id text NOT NULL,
                action text NOT NULL, subject text, detail text);
            """);
        int dimension = 0;
        if (model is not null)
        {
            var pinned = ModelPin.Read(Read);
            if (pinned is null)
            {
                foreach (var (key, value) in ModelPin.Entries(model))
                {
                    Run("INSERT INTO meta VALUES (@k, @v)", ("k", key), ("v", value));
                }
            }
            else
            {
                StoreChecks.SameModel(pinned.Value, model, $"PostgreSQL schema '{options.Schema}'");
            }

            dimension = model.Dimension;
            Run($"""
                CREATE TABLE IF NOT EXISTS faces(id bigserial PRIMARY KEY, subject_id bigint NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                    created_utc timestamptz NOT NULL DEFAULT now(), embedding vector({dimension}) NOT NULL, crop bytea NOT NULL);
                CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
                """);
            if (options.Hnsw)
            {
                Run("CREATE INDEX IF NOT EXISTS faces_embedding_hnsw ON faces USING hnsw (embedding vector_cosine_ops)");
            }
        }

        tx.Commit();

        // The vector type may have just been created: connections that loaded type info before it must reload.
        conn.ReloadTypes();
        return dimension;
    }

    private static StoreException NotFound(string subject) => new(StoreError.NotFound, $"No subject named '{subject}'.");

    private void Write(Action<NpgsqlTransaction> write) => Write(tx =>
    {
        write(tx);
        return true;
    });

    private T Write<T>(Func<NpgsqlTransaction, T> write)
    {
        using var conn = _db.OpenConnection();
        using var tx = conn.BeginTransaction();
        T result = write(tx);
        tx.Commit();
        return result;
    }

    private void AuditWrite(NpgsqlTransaction tx, string actor, string action, string? subject, string? detail) =>
        Execute(tx, "INSERT INTO audit(key_id, action, subject, detail) VALUES (@k, @a, @s, @d)", ("k", actor), ("a", action), ("s", subject), ("d", detail));

    private NpgsqlCommand Command(NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = tx is null ? _db.CreateCommand(sql) : new NpgsqlCommand(sql, tx.Connection, tx);
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }

        return cmd;
    }

    private int Execute(NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(tx, sql, args);
        return cmd.ExecuteNonQuery();
    }

    private T Scalar<T>(NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(tx, sql, args);
        object? value = cmd.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    private List<Subject> Subjects(string? name)
    {
        const string Select = "SELECT s.name, count(f.id), s.created_utc FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
        using var cmd = name is null
            ? Command(null, Select + " GROUP BY s.id ORDER BY s.name")
            : Command(null, Select + " WHERE s.name = @n GROUP BY s.id", ("n", name));
        using var reader = cmd.ExecuteReader();
        var list = new List<Subject>();
        while (reader.Read())
        {
            list.Add(new Subject(reader.GetString(0), (int)reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return list;
    }

    private List<StoredKey> Keys(string? id)
    {
        const string Select = "SELECT id, name, scopes, secret_hash, created_utc, revoked_utc FROM api_keys";
        using var cmd = id is null ? Command(null, Select + " ORDER BY created_utc") : Command(null, Select + " WHERE id = @i", ("i", id));
        using var reader = cmd.ExecuteReader();
        var list = new List<StoredKey>();
        while (reader.Read())
        {
            list.Add(new StoredKey(reader.GetString(0), reader.GetString(1), (ApiScopes)reader.GetInt32(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return list;
    }
}
