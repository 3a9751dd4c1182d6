using System.Globalization;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using ArcFaceKit.Server.Security;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Server.Storage;

/// <summary>
/// The default store: one SQLite file (WAL, synchronous=FULL, secure_delete so erased rows are overwritten) as the
/// source of truth, searched by the library's exact in-memory index rebuilt from it at open. One connection behind
/// one lock: writes are serialised transactions, and the index changes only after its transaction committed.
/// One server process per file (several API nodes belong on PostgreSQL).
/// </summary>
public sealed class SqliteStore : IFaceStore, IKeyStore
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();
    private readonly ExactFaceIndex? _index;
    private readonly Dictionary<long, string> _subjectOfFace = [];

    private SqliteStore(SqliteConnection db, ExactFaceIndex? index)
    {
        _db = db;
        _index = index;
    }

    public string Kind => "sqlite";

    public int FaceCount
    {
        get
        {
            lock (_lock)
            {
                return Index.Count;
            }
        }
    }

    private ExactFaceIndex Index => _index ?? throw new InvalidOperationException("This store was opened for keys only (no model).");

    /// <summary>Opens or creates a store. With a model it is pinned to it (refusing another's); without, only keys and audit work.</summary>
    public static SqliteStore Open(string path, ModelIdentity? model)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            db.Open();
            db.Execute(null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA busy_timeout=30000;");
            using (var tx = db.BeginTransaction(deferred: false))
            {
                db.Execute(tx, """
                    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS subjects(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS faces(id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                        created_utc TEXT NOT NULL, embedding BLOB NOT NULL, crop BLOB NOT NULL);
                    CREATE INDEX IF NOT EXISTS faces_subject ON faces(subject_id);
                    CREATE TABLE IF NOT EXISTS api_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes INTEGER NOT NULL, secret_hash TEXT NOT NULL,
                        created_utc TEXT NOT NULL, revoked_utc TEXT);
                    CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, key_id TEXT NOT NULL, action TEXT NOT NULL,
                        subject TEXT, detail TEXT);
                    """);
                if (model is not null)
                {
                    var pinned = ModelPin.Read(key => db.Scalar<string?>(tx, "SELECT value FROM meta WHERE key = $k", ("$k", key)));
                    if (pinned is null)
                    {
                        foreach (var (key, value) in ModelPin.Entries(model))
                        {
                            db.Execute(tx, "INSERT INTO meta VALUES ($k, $v)", ("$k", key), ("$v", value));
                        }
                    }
                    else
                    {
                        StoreChecks.SameModel(pinned.Value, model, path);
                    }
                }

                tx.Commit();
            }

            var store = new SqliteStore(db, model is null ? null : new ExactFaceIndex(model.Dimension));
            store.LoadIndex();
            return store;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new StoreException(StoreError.Invalid, $"{path}: not a usable store database ({e.Message}).", e);
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
            if (SubjectId(tx, name) is not null)
            {
                throw new StoreException(StoreError.Conflict, $"Subject '{name}' already exists.");
            }

            _db.Execute(tx, "INSERT INTO subjects(name, created_utc) VALUES ($n, $t)", ("$n", name), ("$t", Now()));
            AuditWrite(tx, actor, "subject.create", name, null);
        });
        return GetSubject(name)!;
    }

    public Subject RenameSubject(string name, string newName, string actor)
    {
        SubjectNames.Check(newName);
        Write(tx =>
        {
            long id = SubjectId(tx, name) ?? throw NotFound(name);
            if (name != newName && SubjectId(tx, newName) is not null)
            {
                throw new StoreException(StoreError.Conflict, $"Subject '{newName}' already exists.");
            }

            _db.Execute(tx, "UPDATE subjects SET name = $n WHERE id = $i", ("$n", newName), ("$i", id));
            AuditWrite(tx, actor, "subject.rename", newName, $"from '{name}'");
            return true;
        }, _ =>
        {
            foreach (var face in _subjectOfFace.Where(p => p.Value == name).Select(p => p.Key).ToList())
            {
                _subjectOfFace[face] = newName;
            }
        });
        return GetSubject(newName)!;
    }

    public bool DeleteSubject(string name, string actor)
    {
        var faces = Write<List<long>?>(tx =>
        {
            long? id = SubjectId(tx, name);
            if (id is null)
            {
                return null;
            }

            var ids = FaceIds(tx, id.Value);
            _db.Execute(tx, "DELETE FROM subjects WHERE id = $i", ("$i", id.Value));
            AuditWrite(tx, actor, "subject.delete", name, $"{ids.Count} faces erased");
            return ids;
        }, ids => ids?.ForEach(RemoveFromIndex));
        return faces is not null;
    }

    public IReadOnlyList<StoredFace> AddFaces(string subject, IReadOnlyList<NewFace> faces, string actor)
    {
        SubjectNames.Check(subject);
        foreach (var face in faces)
        {
            StoreChecks.Dimension(face.Embedding, Index.Dimension);
        }

        var added = new List<StoredFace>(faces.Count);
        Write(tx =>
        {
            string now = Now();
            long id = SubjectId(tx, subject)
                ?? _db.Scalar<long>(tx, "INSERT INTO subjects(name, created_utc) VALUES ($n, $t) RETURNING id", ("$n", subject), ("$t", now));
            foreach (var face in faces)
            {
                long faceId = _db.Scalar<long>(tx, "INSERT INTO faces(subject_id, created_utc, embedding, crop) VALUES ($s, $t, $e, $c) RETURNING id",
                    ("$s", id), ("$t", now), ("$e", SqliteCommands.ToBlob(face.Embedding)), ("$c", face.CropPng));
                added.Add(new StoredFace(faceId, subject, DateTimeOffset.Parse(now, CultureInfo.InvariantCulture)));
            }

            AuditWrite(tx, actor, "face.add", subject, string.Join(",", added.Select(f => f.Id)));
            return true;
        }, _ =>
        {
            for (int i = 0; i < faces.Count; i++)
            {
                Index.Upsert(added[i].Id, faces[i].Embedding);
                _subjectOfFace[added[i].Id] = subject;
            }
        });
        return added;
    }

    public IReadOnlyList<StoredFace> ListFaces(string subject)
    {
        lock (_lock)
        {
            long id = SubjectId(null, subject) ?? throw NotFound(subject);
            using var cmd = _db.Command(null, "SELECT id, created_utc FROM faces WHERE subject_id = $s ORDER BY id", ("$s", id));
            using var reader = cmd.ExecuteReader();
            var list = new List<StoredFace>();
            while (reader.Read())
            {
                list.Add(new StoredFace(reader.GetInt64(0), subject, DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture)));
            }

            return list;
        }
    }

    public bool DeleteFace(string subject, long faceId, string actor)
    {
        bool found = Write(tx =>
        {
            long id = SubjectId(tx, subject) ?? throw NotFound(subject);
            if (_db.Execute(tx, "DELETE FROM faces WHERE id = $f AND subject_id = $s", ("$f", faceId), ("$s", id)) == 0)
            {
                return false;
            }

            AuditWrite(tx, actor, "face.delete", subject, faceId.ToString(CultureInfo.InvariantCulture));
            return true;
        }, deleted =>
        {
            if (deleted)
            {
                RemoveFromIndex(faceId);
            }
        });
        return found;
    }

    public byte[]? FaceImage(string subject, long faceId)
    {
        lock (_lock)
        {
            return _db.Scalar<byte[]?>(null, "SELECT f.crop FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = $f AND s.name = $n", ("$f", faceId), ("$n", subject));
        }
    }

    public IReadOnlyList<SubjectHit> Search(float[] probe, int k)
    {
        StoreChecks.Dimension(probe, Index.Dimension);
        lock (_lock)
        {
            return TopSubjects.Collect(n => [.. Index.Search(probe, n).Select(h => new SubjectHit(_subjectOfFace[h.Id], h.Id, h.Similarity))], k, Index.Count);
        }
    }

    public SubjectHit? BestFaceOf(string subject, float[] probe)
    {
        StoreChecks.Dimension(probe, Index.Dimension);
        lock (_lock)
        {
            long id = SubjectId(null, subject) ?? throw NotFound(subject);
            SubjectHit? best = null;
            using var cmd = _db.Command(null, "SELECT id, embedding FROM faces WHERE subject_id = $s", ("$s", id));
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                float similarity = System.Numerics.Tensors.TensorPrimitives.Dot(probe, SqliteCommands.FromBlob((byte[])reader.GetValue(1)));
                if (best is null || similarity > best.Similarity)
                {
                    best = new SubjectHit(subject, reader.GetInt64(0), similarity);
                }
            }

            return best;
        }
    }

    public IReadOnlyList<AuditEntry> Audit(int limit)
    {
        lock (_lock)
        {
            using var cmd = _db.Command(null, "SELECT id, time_utc, key_id, action, subject, detail FROM audit ORDER BY id DESC LIMIT $l", ("$l", limit));
            using var reader = cmd.ExecuteReader();
            var list = new List<AuditEntry>();
            while (reader.Read())
            {
                list.Add(new AuditEntry(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            return list;
        }
    }

    public void AddKey(StoredKey key) => Write(tx =>
    {
        _db.Execute(tx, "INSERT INTO api_keys(id, name, scopes, secret_hash, created_utc) VALUES ($i, $n, $s, $h, $t)",
            ("$i", key.Id), ("$n", key.Name), ("$s", (int)key.Scopes), ("$h", key.SecretHash), ("$t", key.CreatedUtc.ToString("O", CultureInfo.InvariantCulture)));
        AuditWrite(tx, "cli", "key.create", null, key.Id);
    });

    public StoredKey? FindKey(string id) => Keys(id).SingleOrDefault();

    public bool RevokeKey(string id) => Write(tx =>
    {
        if (_db.Execute(tx, "UPDATE api_keys SET revoked_utc = $t WHERE id = $i AND revoked_utc IS NULL", ("$t", Now()), ("$i", id)) == 0)
        {
            return false;
        }

        AuditWrite(tx, "cli", "key.revoke", null, id);
        return true;
    });

    public IReadOnlyList<StoredKey> ListKeys() => Keys(null);

    public void Dispose() => _db.Dispose();

    private static StoreException NotFound(string subject) => new(StoreError.NotFound, $"No subject named '{subject}'.");

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private void Write(Action<SqliteTransaction> write) => Write(tx =>
    {
        write(tx);
        return true;
    });

    /// <summary>
    /// Runs a write in one immediate transaction under the lock, then (still under it) applies the committed change
    /// to the in-memory index: a failed commit leaves the index as it was, and no search sees a half-applied change.
    /// </summary>
    private T Write<T>(Func<SqliteTransaction, T> write, Action<T>? committed = null)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            T result = write(tx);
            tx.Commit();
            committed?.Invoke(result);
            return result;
        }
    }

    private void RemoveFromIndex(long faceId)
    {
        Index.Remove(faceId);
        _subjectOfFace.Remove(faceId);
    }

    private void AuditWrite(SqliteTransaction tx, string actor, string action, string? subject, string? detail) =>
        _db.Execute(tx, "INSERT INTO audit(time_utc, key_id, action, subject, detail) VALUES ($t, $k, $a, $s, $d)",
            ("$t", Now()), ("$k", actor), ("$a", action), ("$s", subject), ("$d", detail));

    private long? SubjectId(SqliteTransaction? tx, string name) => _db.Scalar<long?>(tx, "SELECT id FROM subjects WHERE name = $n", ("$n", name));

    private List<long> FaceIds(SqliteTransaction tx, long subjectId)
    {
        using var cmd = _db.Command(tx, "SELECT id FROM faces WHERE subject_id = $s", ("$s", subjectId));
        using var reader = cmd.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private List<Subject> Subjects(string? name)
    {
        lock (_lock)
        {
            const string Select = "SELECT s.name, COUNT(f.id), s.created_utc FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
            using var cmd = name is null
                ? _db.Command(null, Select + " GROUP BY s.id ORDER BY s.name")
                : _db.Command(null, Select + " WHERE s.name = $n GROUP BY s.id", ("$n", name));
            using var reader = cmd.ExecuteReader();
            var list = new List<Subject>();
            while (reader.Read())
            {
                list.Add(new Subject(reader.GetString(0), reader.GetInt32(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture)));
            }

            return list;
        }
    }

    private List<StoredKey> Keys(string? id)
    {
        lock (_lock)
        {
            const string Select = "SELECT id, name, scopes, secret_hash, created_utc, revoked_utc FROM api_keys";
            using var cmd = id is null ? _db.Command(null, Select + " ORDER BY created_utc") : _db.Command(null, Select + " WHERE id = $i", ("$i", id));
            using var reader = cmd.ExecuteReader();
            var list = new List<StoredKey>();
            while (reader.Read())
            {
                list.Add(new StoredKey(reader.GetString(0), reader.GetString(1), (ApiScopes)reader.GetInt32(2), reader.GetString(3),
                    DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                    reader.IsDBNull(5) ? null : DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
            }

            return list;
        }
    }

    private void LoadIndex()
    {
        if (_index is null)
        {
            return;
        }

        using var cmd = _db.Command(null, "SELECT f.id, s.name, f.embedding FROM faces f JOIN subjects s ON s.id = f.subject_id");
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            long id = reader.GetInt64(0);
            _index.Upsert(id, SqliteCommands.FromBlob((byte[])reader.GetValue(2)));
            _subjectOfFace[id] = reader.GetString(1);
        }
    }
}
