using ArcFaceKit.Matching;
using ArcFaceKit.Recognition;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Search;

/// <summary>
/// 1:N identity search over a SQLite file (the source of truth) with an exact in-memory index of identity
/// templates (normalised mean of each identity's face embeddings). Pinned to the model that made its embeddings.
/// Every write is one transaction: a killed process leaves either the whole enrolment or none of it.
/// </summary>
public sealed class FaceGallery : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();
    private readonly ExactFaceIndex _index;
    private readonly Dictionary<long, string> _names = [];
    private long _dataVersion;

    private FaceGallery(SqliteConnection db, ModelIdentity model)
    {
        _db = db;
        Model = model;
        _index = new ExactFaceIndex(model.Dimension);
    }

    public ModelIdentity Model { get; }

    public string Path => _db.DataSource;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                RefreshIfChanged();
                return _index.Count;
            }
        }
    }

    /// <summary>Opens (or creates) a gallery file for embeddings of <paramref name="model"/>; refuses a gallery made with another model.</summary>
    public static FaceGallery Open(string path, ModelIdentity model)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            db.Open();
            db.Execute(null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
            var gallery = new FaceGallery(db, model);
            gallery.InitializeOrCheck();
            gallery.Reload();
            return gallery;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new GalleryException($"{path}: not a usable gallery database ({e.Message}).", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Adds faces to an identity (created if new) and recomputes its template, all in one transaction.</summary>
    public Identity Enroll(string name, IReadOnlyList<float[]> embeddings, IReadOnlyList<string>? sources = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (embeddings.Count == 0)
        {
            throw new GalleryException($"No face embeddings to enroll for '{name}'.");
        }

        foreach (var e in embeddings)
        {
            CheckDimension(e);
        }

        lock (_lock)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            RefreshIfChanged(tx);
            long id = _db.Scalar<long?>(tx, "SELECT id FROM identities WHERE name = $n", ("$n", name))
                ?? _db.Scalar<long>(tx, "INSERT INTO identities(name, created_utc, template) VALUES ($n, $t, x'') RETURNING id", ("$n", name), ("$t", DateTimeOffset.UtcNow.ToString("O")));
            for (int i = 0; i < embeddings.Count; i++)
            {
                _db.Execute(tx, "INSERT INTO faces(identity_id, source, embedding) VALUES ($i, $s, $e)", ("$i", id), ("$s", sources?[i] ?? ""), ("$e", SqliteCommands.ToBlob(embeddings[i])));
            }

            var template = TemplateOf(tx, id);
            _db.Execute(tx, "UPDATE identities SET template = $t WHERE id = $i", ("$t", SqliteCommands.ToBlob(template)), ("$i", id));
            tx.Commit();
            _index.Upsert(id, template);
            _names[id] = name;
            return Get(name)!;
        }
    }

    /// <summary>Deletes an identity with all its embeddings. Returns false when there is none of that name.</summary>
    public bool Remove(string name)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            RefreshIfChanged(tx);
            long? id = _db.Scalar<long?>(tx, "SELECT id FROM identities WHERE name = $n", ("$n", name));
            if (id is null)
            {
                return false;
            }

            _db.Execute(tx, "DELETE FROM identities WHERE id = $i", ("$i", id.Value));
            tx.Commit();
            _index.Remove(id.Value);
            _names.Remove(id.Value);
            return true;
        }
    }

    public IReadOnlyList<Identity> List() => Identities(null);

    /// <summary>One identity by name, or null.</summary>
    public Identity? Get(string name) => Identities(name).SingleOrDefault();

    private List<Identity> Identities(string? name)
    {
        lock (_lock)
        {
            using var cmd = name is null
                ? _db.Command(null, "SELECT i.id, i.name, i.created_utc, COUNT(f.id) FROM identities i LEFT JOIN faces f ON f.identity_id = i.id GROUP BY i.id ORDER BY i.name")
                : _db.Command(null, "SELECT i.id, i.name, i.created_utc, COUNT(f.id) FROM identities i LEFT JOIN faces f ON f.identity_id = i.id WHERE i.name = $n GROUP BY i.id", ("$n", name));
            using var reader = cmd.ExecuteReader();
            var list = new List<Identity>();
            while (reader.Read())
            {
                list.Add(new Identity(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(3), DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture)));
            }

            return list;
        }
    }

    /// <summary>The k identities whose templates are most similar to the probe; Accepted is false below the threshold (open-set rejection).</summary>
    public IReadOnlyList<IdentityMatch> Identify(ReadOnlySpan<float> probe, int k, SimilarityThreshold threshold)
    {
        CheckDimension(probe);
        lock (_lock)
        {
            RefreshIfChanged();
            var hits = _index.Search(probe, k);
            return [.. hits.Select(h => new IdentityMatch(_names[h.Id], h.Similarity, h.Similarity >= threshold.Cosine))];
        }
    }

    public void Dispose() => _db.Dispose();

    private void CheckDimension(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Model.Dimension)
        {
            throw new GalleryException($"This gallery holds {Model.Dimension}-d embeddings of {Model}; got a {embedding.Length}-d one.");
        }
    }

    private void InitializeOrCheck()
    {
        using var tx = _db.BeginTransaction(deferred: false);
        _db.Execute(tx, """
            CREATE TABLE IF NOT EXISTS gallery_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS identities(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, template BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS faces(id INTEGER PRIMARY KEY, identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE, source TEXT NOT NULL, embedding BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS faces_identity ON faces(identity_id);
            """);
        var pinned = ModelPin.Read(key => _db.Scalar<string?>(tx, "SELECT value FROM gallery_meta WHERE key = $k", ("$k", key)));
        if (pinned is null)
        {
            foreach (var (key, value) in ModelPin.Entries(Model).Prepend(("schema", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            {
                _db.Execute(tx, "INSERT INTO gallery_meta VALUES ($k, $v)", ("$k", key), ("$v", value));
            }
        }
        else if (ModelPin.Mismatch(pinned.Value, Model, _db.DataSource) is { } refusal)
        {
            throw new GalleryException(refusal);
        }

        tx.Commit();
    }

    /// <summary>
    /// Reloads the index when another connection (another process) has committed since we last read: data_version
    /// moves only for others' commits. Writers call it inside their write transaction, so nobody can slip in between.
    /// </summary>
    private void RefreshIfChanged(SqliteTransaction? tx = null)
    {
        if (_db.Scalar<long>(tx, "PRAGMA data_version") != _dataVersion)
        {
            Reload(tx);
        }
    }

    private void Reload(SqliteTransaction? tx = null)
    {
        foreach (var id in _names.Keys.ToList())
        {
            _index.Remove(id);
        }

        _names.Clear();
        using (var cmd = _db.Command(tx, "SELECT id, name, template FROM identities"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                long id = reader.GetInt64(0);
                _index.Upsert(id, SqliteCommands.FromBlob((byte[])reader.GetValue(2)));
                _names[id] = reader.GetString(1);
            }
        }

        _dataVersion = _db.Scalar<long>(tx, "PRAGMA data_version");
    }

    private float[] TemplateOf(SqliteTransaction tx, long id)
    {
        var sum = new float[Model.Dimension];
        using var cmd = _db.Command(tx, "SELECT embedding FROM faces WHERE identity_id = $i", ("$i", id));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sum, SqliteCommands.FromBlob((byte[])reader.GetValue(0)), sum);
        }

        OnnxFaceEmbedder.Normalize(sum);
        return sum;
    }
}
