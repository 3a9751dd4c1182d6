using System.Data.Common;
using System.Globalization;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The gallery over ADO.NET: one implementation of subjects, faces, templates, search, keys and audit, with a
/// database dialect underneath (SQLite: <c>SqliteGallery.Open</c>; PostgreSQL, faces sealed per subject: <c>PostgresGallery.Open</c>).
/// Schema: meta (schema version, pinned model), subjects (name, template = normalised mean of its faces), faces
/// (embedding, aligned crop PNG, source), api_keys, audit. Every write is one transaction with its audit entry.
/// </summary>
public sealed partial class FaceGallery : IFaceGallery, IApiKeyStore
{
    /// <summary>The schema this code writes; earlier ones are migrated when opened.</summary>
    public const int SchemaVersion = 3;

    private readonly GalleryDialect _dialect;
    private int _disposed;
    private readonly ModelIdentity? _model;

    private FaceGallery(GalleryDialect dialect, ModelIdentity? model)
    {
        _dialect = dialect;
        _model = model;
    }

    public string Kind => _dialect.Kind;

    /// <summary>Where the index in memory was last loaded from: "file" (the index file), "database", or null.</summary>
    internal string? IndexLoadedFrom => (_dialect as IndexedDialect)?.LoadedFrom;

    /// <summary>Whether the index keeps its faces' half-precision copies mapped from the index file.</summary>
    internal bool IndexCopiesMapped => (_dialect as IndexedDialect)?.CopiesMapped ?? false;

    /// <summary>Whether the index's HNSW graph of faces was read from the index file (not built at open).</summary>
    internal bool IndexGraphRead => (_dialect as IndexedDialect)?.GraphRead ?? false;

    /// <summary>Whether that graph is still viewed in the index file's mapping (not loaded into memory).</summary>
    internal bool IndexGraphViewed => (_dialect as IndexedDialect)?.GraphViewed ?? false;

    /// <summary>The pinned model; a gallery opened for keys only has none.</summary>
    public ModelIdentity Model => _model ?? throw new InvalidOperationException("This gallery was opened for keys and audit only (no model).");

    /// <summary>Creates or migrates the schema and pins (or checks) the model; a null model opens for keys and audit only.</summary>
    internal static async Task<FaceGallery> OpenAsync(GalleryDialect dialect, ModelIdentity? model, CancellationToken cancellationToken = default)
    {
        var gallery = new FaceGallery(dialect, model);
        try
        {
            await using (var lease = await dialect.LeaseAsync(cancellationToken).ConfigureAwait(false))
            {
                var db = lease.Connection;
                await using var tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await dialect.CreateOrMigrateAsync(db, tx, model?.Dimension ?? 0, cancellationToken).ConfigureAwait(false);
                if (model is not null)
                {
                    var values = new Dictionary<string, string>();
                    await using (var cmd = Command(db, tx, "SELECT key, value FROM meta"))
                    await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            values[reader.GetString(0)] = reader.GetString(1);
                        }
                    }

                    if (ModelPin.Read(values.GetValueOrDefault) is { } pinned)
                    {
                        ModelPin.Check(pinned, model, dialect.Where);
                    }
                    else
                    {
                        foreach (var (key, value) in ModelPin.Entries(model))
                        {
                            await ExecuteAsync(db, tx, cancellationToken, "INSERT INTO meta(key, value) VALUES (@k, @v)", ("k", key), ("v", value)).ConfigureAwait(false);
                        }
                    }
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                await dialect.SyncAsync(db, null, cancellationToken).ConfigureAwait(false);
            }

            return gallery;
        }
        catch (DbException e)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw new GalleryException(GalleryError.Invalid, $"{dialect.Where}: not a usable gallery database ({e.Message}).", e);
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<int> CountFacesAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => _dialect.CountFacesAsync(db, c), cancellationToken);

    public Task<IReadOnlyList<Subject>> ListSubjectsAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => SubjectsAsync(db, null, null, c), cancellationToken);

    public async Task<Subject?> GetSubjectAsync(string name, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => SubjectsAsync(db, null, SubjectNames.Lookup(name), c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public async Task<Subject> CreateSubjectAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Check(name);
        return await WriteAsync(async (db, tx, c) =>
        {
            if (await SubjectIdAsync(db, tx, name, false, c).ConfigureAwait(false) is not null)
            {
                throw Conflict(name);
            }

            long id = await ScalarAsync<long>(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) RETURNING id", ("n", name), ("t", _dialect.TimeValue(DateTimeOffset.UtcNow))).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "subject.create", id, name, null, c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, name, c).ConfigureAwait(false))[0], (IReadOnlyCollection<long>)[]);
        }, cancellationToken, name).ConfigureAwait(false);
    }

    public async Task<Subject> RenameSubjectAsync(string name, string newName, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Lookup(name);
        newName = SubjectNames.Check(newName);
        return await WriteAsync(async (db, tx, c) =>
        {
            long id = await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) ?? throw NotFound(name);
            if (name != newName && await SubjectIdAsync(db, tx, newName, false, c).ConfigureAwait(false) is not null)
            {
                throw Conflict(newName);
            }

            await ExecuteAsync(db, tx, c, "UPDATE subjects SET name = @n WHERE id = @i", ("n", newName), ("i", id)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "subject.rename", id, newName, $"from '{name}'", c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, newName, c).ConfigureAwait(false))[0], (IReadOnlyCollection<long>)[id]);
        }, cancellationToken, newName).ConfigureAwait(false);
    }

    public Task<bool> DeleteSubjectAsync(string name, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        name = SubjectNames.Lookup(name);
        if (await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) is not { } id)
        {
            return (false, (IReadOnlyCollection<long>)[]);
        }

        await EraseAsync(db, tx, id, name, "subject.delete", actor, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<long>)[id]);
    }, cancellationToken, erases: true);

    /// <summary>Erases a subject or group with its faces, inside the write transaction, and audits it under a pseudonym.</summary>
    private async Task EraseAsync(DbConnection db, DbTransaction tx, long id, string name, string action, string actor, CancellationToken c)
    {
        long faces = await ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE subject_id = @s", ("s", id)).ConfigureAwait(false);

        // Keys first: should the commit fail, the subject's bytes are already unreadable, and repeating the erasure removes the rows.
        await _dialect.Sealing.ForgetAsync(id).ConfigureAwait(false);
        await ExecuteAsync(db, tx, c, "DELETE FROM faces WHERE subject_id = @s", ("s", id)).ConfigureAwait(false);
        await ExecuteAsync(db, tx, c, "DELETE FROM request_keys WHERE subject_id = @s", ("s", id)).ConfigureAwait(false);
        await ExecuteAsync(db, tx, c, "DELETE FROM subjects WHERE id = @s", ("s", id)).ConfigureAwait(false);

        // The audit keeps who erased what and when, but not the erased person's name (nor names it had before a rename).
        string pseudonym = ErasedSubject(id);
        await ExecuteAsync(db, tx, c, "UPDATE audit SET subject = @p, detail = CASE WHEN action = 'subject.rename' THEN NULL ELSE detail END WHERE subject_id = @s OR subject = @n",
            ("p", pseudonym), ("s", id), ("n", name)).ConfigureAwait(false);
        await AuditAsync(db, tx, actor, action, id, pseudonym, $"{faces} faces erased", c).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredFace>> AddFacesAsync(string subject, IReadOnlyList<NewFace> faces, string actor, CancellationToken cancellationToken = default) =>
        (await AddAsync(subject, faces, actor, null, cancellationToken).ConfigureAwait(false)).Faces;

    public Task<AddedFaces> AddFacesOnceAsync(string subject, IReadOnlyList<NewFace> faces, string actor, string requestKey, CancellationToken cancellationToken = default) =>
        AddAsync(subject, faces, actor, RequestKeys.Check(requestKey), cancellationToken);

    public async Task<AddedFaces?> FindAddedFacesAsync(string subject, string actor, string requestKey, CancellationToken cancellationToken = default)
    {
        subject = SubjectNames.Check(subject);
        var before = await ReadAsync((db, c) => AddedBeforeAsync(db, null, actor, RequestKeys.Check(requestKey), c), cancellationToken).ConfigureAwait(false);
        return before is null ? null : RequestKeys.Replay(before, subject);
    }

    private async Task<AddedFaces> AddAsync(string subject, IReadOnlyList<NewFace> faces, string actor, string? requestKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faces);
        subject = SubjectNames.Check(subject);
        if (faces.Count == 0)
        {
            throw new GalleryException(GalleryError.Invalid, $"No faces to add to '{subject}'.");
        }

        foreach (var face in faces)
        {
            CheckDimension(face.Embedding);
        }

        return await WriteAsync(async (db, tx, c) =>
        {
            var now = DateTimeOffset.UtcNow;
            await ExecuteAsync(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING", ("n", subject), ("t", _dialect.TimeValue(now))).ConfigureAwait(false);
            long id = await SubjectIdAsync(db, tx, subject, true, c).ConfigureAwait(false) ?? throw NotFound(subject);

            // Checked under the subject's row lock: a retry racing its original waits for it, then finds its record.
            if (requestKey is not null && await AddedBeforeAsync(db, tx, actor, requestKey, c).ConfigureAwait(false) is { } before)
            {
                return (RequestKeys.Replay(before, subject), (IReadOnlyCollection<long>)[]);
            }

            var added = new List<StoredFace>(faces.Count);
            foreach (var face in faces)
            {
                added.Add(new StoredFace(await InsertFaceAsync(db, tx, id, face, now, c).ConfigureAwait(false), subject, now, face.Source));
            }

            await UpdateTemplateAsync(db, tx, id, c).ConfigureAwait(false);
            string ids = string.Join(",", added.Select(f => f.Id));
            await AuditAsync(db, tx, actor, "face.add", id, subject, ids, c).ConfigureAwait(false);
            if (requestKey is not null)
            {
                await ExecuteAsync(db, tx, c, "DELETE FROM request_keys WHERE created_utc < @old", ("old", _dialect.TimeValue(now - RequestKeys.KeptFor))).ConfigureAwait(false);
                await ExecuteAsync(db, tx, c, "INSERT INTO request_keys(key_id, request_key, subject_id, face_ids, created_utc) VALUES (@k, @r, @s, @f, @t)",
                    ("k", actor), ("r", requestKey), ("s", id), ("f", ids), ("t", _dialect.TimeValue(now))).ConfigureAwait(false);
            }

            return (new AddedFaces(added, Replayed: false), (IReadOnlyCollection<long>)[id]);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores a face of a subject (or group), sealed for it, inside the write transaction; returns its id.</summary>
    private async Task<long> InsertFaceAsync(DbConnection db, DbTransaction tx, long subjectId, NewFace face, DateTimeOffset now, CancellationToken c) =>
        await ScalarAsync<long>(db, tx, c, "INSERT INTO faces(subject_id, created_utc, embedding, crop, source) VALUES (@s, @t, @e, @c, @o) RETURNING id",
            ("s", subjectId), ("t", _dialect.TimeValue(now)), ("e", _dialect.EmbeddingValue(subjectId, face.Embedding)), ("c", _dialect.Sealing.Seal(subjectId, face.CropPng ?? [])), ("o", face.Source)).ConfigureAwait(false);

    /// <summary>What an earlier request with this key added (those of its faces still there), or null.</summary>
    private async Task<AddedFaces?> AddedBeforeAsync(DbConnection db, DbTransaction? tx, string actor, string requestKey, CancellationToken cancellationToken)
    {
        long subjectId;
        string subject, ids;
        await using (var cmd = Command(db, tx, """
            SELECT r.subject_id, s.name, r.face_ids FROM request_keys r JOIN subjects s ON s.id = r.subject_id
            WHERE r.key_id = @k AND r.request_key = @r AND r.created_utc >= @old
            """, ("k", actor), ("r", requestKey), ("old", _dialect.TimeValue(DateTimeOffset.UtcNow - RequestKeys.KeptFor))))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (subjectId, subject, ids) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        }

        var wanted = ids.Split(',').Select(i => long.Parse(i, CultureInfo.InvariantCulture)).ToHashSet();
        var faces = new List<StoredFace>();
        await using (var cmd = Command(db, tx, "SELECT id, created_utc, source FROM faces WHERE subject_id = @s ORDER BY id", ("s", subjectId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (wanted.Contains(reader.GetInt64(0)))
                {
                    faces.Add(new StoredFace(reader.GetInt64(0), subject, _dialect.ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                }
            }
        }

        return new AddedFaces(faces, Replayed: true);
    }

    public Task<IReadOnlyList<StoredFace>> ListFacesAsync(string subject, CancellationToken cancellationToken = default) => ReadAsync<IReadOnlyList<StoredFace>>(async (db, c) =>
    {
        subject = SubjectNames.Lookup(subject);
        long id = await SubjectIdAsync(db, null, subject, false, c).ConfigureAwait(false) ?? throw NotFound(subject);
        await using var cmd = Command(db, null, "SELECT id, created_utc, source FROM faces WHERE subject_id = @s ORDER BY id", ("s", id));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        var list = new List<StoredFace>();
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            list.Add(new StoredFace(reader.GetInt64(0), subject, _dialect.ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return list;
    }, cancellationToken);

    public async Task<bool> DeleteFaceAsync(string subject, long faceId, string actor, CancellationToken cancellationToken = default)
    {
        Func<Task> afterCommit = NothingAfter;
        bool deleted = await WriteAsync(async (db, tx, c) =>
        {
            subject = SubjectNames.Lookup(subject);
            long id = await SubjectIdAsync(db, tx, subject, true, c).ConfigureAwait(false) ?? throw NotFound(subject);
            if (await ExecuteAsync(db, tx, c, "DELETE FROM faces WHERE id = @f AND subject_id = @s", ("f", faceId), ("s", id)).ConfigureAwait(false) == 0)
            {
                return (false, (IReadOnlyCollection<long>)[]);
            }

            if (await ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE subject_id = @s", ("s", id)).ConfigureAwait(false) == 0)
            {
                await _dialect.Sealing.ForgetAsync(id).ConfigureAwait(false);   // nothing left to protect
            }
            else
            {
                afterCommit = await RenewKeyAsync(db, tx, id, c).ConfigureAwait(false);
            }

            await UpdateTemplateAsync(db, tx, id, c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "face.delete", id, subject, faceId.ToString(CultureInfo.InvariantCulture), c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<long>)[id]);
        }, cancellationToken, erases: true).ConfigureAwait(false);

        await afterCommit().ConfigureAwait(false);
        return deleted;
    }

    /// <summary>
    /// For a subject that lost faces (deleted, or moved to another subject) and keeps some, inside the write transaction:
    /// re-seals the faces it keeps under a new key. The returned action, run after the commit, destroys the old key,
    /// which also opened the faces it lost (their old copies must not outlive their erasure).
    /// </summary>
    private async Task<Func<Task>> RenewKeyAsync(DbConnection db, DbTransaction tx, long subjectId, CancellationToken c)
    {
        if (!await _dialect.Sealing.RenewAsync(subjectId).ConfigureAwait(false))
        {
            return NothingAfter;
        }

        await SealAgainAsync(db, tx, subjectId, subjectId, null, c).ConfigureAwait(false);
        return () => _dialect.Sealing.ForgetOlderAsync(subjectId);
    }

    /// <summary>
    /// Seals a subject's faces (all, or the one given) again, inside the write transaction, for the subject they then
    /// belong to: the same one under its newest key, or another they move to. Returns how many.
    /// </summary>
    private async Task<int> SealAgainAsync(DbConnection db, DbTransaction tx, long from, long to, long? face, CancellationToken cancellationToken)
    {
        var faces = new List<(long Id, byte[] Embedding, byte[] Crop)>();
        await using (var cmd = face is { } only
            ? Command(db, tx, "SELECT id, embedding, crop FROM faces WHERE subject_id = @s AND id = @f", ("s", from), ("f", only))
            : Command(db, tx, "SELECT id, embedding, crop FROM faces WHERE subject_id = @s", ("s", from)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                faces.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
            }
        }

        var sealing = _dialect.Sealing;
        foreach (var (id, embedding, crop) in faces)
        {
            await ExecuteAsync(db, tx, cancellationToken, "UPDATE faces SET subject_id = @t, embedding = @e, crop = @c WHERE id = @i",
                ("t", to), ("e", sealing.Seal(to, sealing.Open(from, embedding))), ("c", sealing.Seal(to, sealing.Open(from, crop))), ("i", id)).ConfigureAwait(false);
        }

        return faces.Count;
    }

    public Task<byte[]?> GetFaceCropAsync(string subject, long faceId, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        await using var cmd = Command(db, null, "SELECT f.subject_id, f.crop FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = @f AND s.name = @n",
            ("f", faceId), ("n", SubjectNames.Lookup(subject)));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        if (!await reader.ReadAsync(c).ConfigureAwait(false))
        {
            return null;
        }

        return OpenCrop(reader.GetInt64(0), (byte[])reader.GetValue(1));
    }, cancellationToken);

    public Task<IReadOnlyList<SubjectMatch>> SearchAsync(float[] probe, int k, SubjectScoring scoring, CancellationToken cancellationToken = default)
    {
        CheckDimension(probe);
        return ReadAsync((db, c) => SubjectRanking.TopAsync(
            n => _dialect.NearestFacesAsync(db, probe, n, c),
            n => _dialect.NearestTemplatesAsync(db, probe, n, c),
            s => _dialect.ScoreAsync(db, probe, s, c),
            k, scoring), cancellationToken);
    }

    public Task<SubjectMatch?> ScoreSubjectAsync(string subject, float[] probe, SubjectScoring scoring, CancellationToken cancellationToken = default)
    {
        CheckDimension(probe);
        return ReadAsync(async (db, c) =>
        {
            long id = await SubjectIdAsync(db, null, SubjectNames.Lookup(subject), false, c).ConfigureAwait(false) ?? throw NotFound(subject);
            var match = (await _dialect.ScoreAsync(db, probe, [id], c).ConfigureAwait(false)).SingleOrDefault();
            return match is null ? null : match with { Similarity = SubjectRanking.Value(match, scoring) };
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default) => ReadAsync<IReadOnlyList<AuditEntry>>(async (db, c) =>
    {
        await using var cmd = Command(db, null, "SELECT id, time_utc, key_id, action, subject, detail FROM audit ORDER BY id DESC LIMIT @l", ("l", limit));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        var list = new List<AuditEntry>();
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            list.Add(new AuditEntry(reader.GetInt64(0), _dialect.ReadTime(reader, 1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }, cancellationToken);

    public Task AddKeyAsync(StoredKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(async (db, tx, c) =>
        {
            await ExecuteAsync(db, tx, c, "INSERT INTO api_keys(id, name, scopes, secret_hash, created_utc) VALUES (@i, @n, @s, @h, @t)",
                ("i", key.Id), ("n", key.Name), ("s", key.Scopes), ("h", key.SecretHash), ("t", _dialect.TimeValue(key.CreatedUtc))).ConfigureAwait(false);
            await AuditAsync(db, tx, "cli", "key.create", null, null, key.Id, c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<long>)[]);
        }, cancellationToken);
    }

    public async Task<StoredKey?> FindKeyAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => KeysAsync(db, id, c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<bool> RevokeKeyAsync(string id, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        if (await ExecuteAsync(db, tx, c, "UPDATE api_keys SET revoked_utc = @t WHERE id = @i AND revoked_utc IS NULL", ("t", _dialect.TimeValue(DateTimeOffset.UtcNow)), ("i", id)).ConfigureAwait(false) == 0)
        {
            return (false, (IReadOnlyCollection<long>)[]);
        }

        await AuditAsync(db, tx, "cli", "key.revoke", null, null, id, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<long>)[]);
    }, cancellationToken);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => KeysAsync(db, null, c), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await using var lease = await _dialect.LeaseAsync(CancellationToken.None).ConfigureAwait(false);
            await _dialect.CloseAsync(lease.Connection, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _dialect.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal static DbCommand Command(DbConnection db, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    internal static async Task<int> ExecuteAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellationToken, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<T> ScalarAsync<T>(DbConnection db, DbTransaction? tx, CancellationToken cancellationToken, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(db, tx, sql, args);
        object? value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is null or DBNull ? default! : value is T t ? t : (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    /// <summary>Recomputes a subject's template from its faces (NULL when it has none), inside the write transaction.</summary>
    internal static async Task UpdateTemplateAsync(GalleryDialect dialect, DbConnection db, DbTransaction tx, long subjectId, CancellationToken cancellationToken)
    {
        var embeddings = new List<float[]>();
        await using (var cmd = Command(db, tx, "SELECT embedding FROM faces WHERE subject_id = @s", ("s", subjectId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                embeddings.Add(dialect.ReadEmbedding(reader, 0, subjectId));
            }
        }

        object? template = embeddings.Count == 0 ? null : dialect.EmbeddingValue(subjectId, Templates.Mean(embeddings, embeddings[0].Length));
        await ExecuteAsync(db, tx, cancellationToken, "UPDATE subjects SET template = @t WHERE id = @s", ("t", template), ("s", subjectId)).ConfigureAwait(false);
    }

    /// <summary>Recomputes every subject's template (after a migration from a schema without templates).</summary>
    internal static async Task RebuildTemplatesAsync(GalleryDialect dialect, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var cmd = Command(db, tx, "SELECT id FROM subjects"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        foreach (long id in ids)
        {
            await UpdateTemplateAsync(dialect, db, tx, id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the schema version recorded in meta (refusing a newer one than this code knows) and records this one.</summary>
    internal static async Task CheckOrWriteSchemaAsync(GalleryDialect dialect, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        string? recorded = await ScalarAsync<string?>(db, tx, cancellationToken, "SELECT value FROM meta WHERE key = 'schema'").ConfigureAwait(false);
        int version = recorded is null ? 0 : int.Parse(recorded, CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new GalleryException(GalleryError.Invalid, $"{dialect.Where} has gallery schema {recorded}, newer than this version of ArcFaceKit understands ({SchemaVersion}); upgrade ArcFaceKit.");
        }

        if (version < SchemaVersion)
        {
            // Migrated by the dialect above; recorded so that an older version refuses it rather than misreading it.
            await ExecuteAsync(db, tx, cancellationToken, "DELETE FROM meta WHERE key = 'schema'").ConfigureAwait(false);
            await ExecuteAsync(db, tx, cancellationToken, "INSERT INTO meta(key, value) VALUES ('schema', @v)", ("v", SchemaVersion.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }
    }

    private static GalleryException NotFound(string subject) => new(GalleryError.NotFound, $"No subject named '{subject}'.");

    private static GalleryException Conflict(string subject) => new(GalleryError.Conflict, $"Subject '{subject}' already exists.");

    private Task UpdateTemplateAsync(DbConnection db, DbTransaction tx, long subjectId, CancellationToken cancellationToken) =>
        UpdateTemplateAsync(_dialect, db, tx, subjectId, cancellationToken);

    private void CheckDimension(float[] embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Length != Model.Dimension)
        {
            throw new GalleryException(GalleryError.Invalid, $"This gallery holds {Model.Dimension}-d embeddings of {Model}; got a {embedding.Length}-d one.");
        }
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var lease = await _dialect.LeaseAsync(cancellationToken).ConfigureAwait(false);
        await _dialect.SyncAsync(lease.Connection, null, cancellationToken).ConfigureAwait(false);
        return await read(lease.Connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: the write, then commit, then (still holding the lease) the dialect hears which subjects changed,
    /// so an in-memory index changes only after a commit and no search sees a half-applied write. After an erasure the
    /// dialect also clears what the database keeps of deleted rows beside its tables (SQLite: the WAL).
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, IReadOnlyCollection<long> Changed)>> write, CancellationToken cancellationToken, string? conflictName = null, bool erases = false)
    {
        await using var lease = await _dialect.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var db = lease.Connection;
        (T Result, IReadOnlyCollection<long> Changed) outcome;
        object? state = null;
        try
        {
            await using var tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await _dialect.SyncAsync(db, tx, cancellationToken).ConfigureAwait(false);
            outcome = await write(db, tx, cancellationToken).ConfigureAwait(false);
            if (outcome.Changed.Count > 0)
            {
                state = await _dialect.BeforeCommitAsync(db, tx, cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException e) when (conflictName is not null && _dialect.IsUniqueViolation(e))
        {
            throw Conflict(conflictName);
        }

        await _dialect.CommittedAsync(db, outcome.Changed, state, CancellationToken.None).ConfigureAwait(false);
        if (erases)
        {
            // Also when nothing was left to erase: repeating an erasure finishes one whose clean-up did not.
            await _dialect.ErasedAsync(db, CancellationToken.None).ConfigureAwait(false);
        }

        return outcome.Result;
    }

    /// <summary>A named subject's id (never a group's), or null.</summary>
    private async Task<long?> SubjectIdAsync(DbConnection db, DbTransaction? tx, string name, bool forWrite, CancellationToken cancellationToken) =>
        SubjectNames.IsGroup(name) ? null : await ScalarAsync<long?>(db, tx, cancellationToken, "SELECT id FROM subjects WHERE name = @n" + (forWrite ? _dialect.LockRow : ""), ("n", name)).ConfigureAwait(false);

    private async Task AuditAsync(DbConnection db, DbTransaction tx, string actor, string action, long? subjectId, string? subject, string? detail, CancellationToken cancellationToken) =>
        await ExecuteAsync(db, tx, cancellationToken, "INSERT INTO audit(time_utc, key_id, action, subject_id, subject, detail) VALUES (@t, @k, @a, @i, @s, @d)",
            ("t", _dialect.TimeValue(DateTimeOffset.UtcNow)), ("k", actor), ("a", action), ("i", subjectId), ("s", subject), ("d", detail)).ConfigureAwait(false);

    /// <summary>How the audit names a subject once it is erased.</summary>
    private static string ErasedSubject(long id) => $"(erased subject #{id.ToString(CultureInfo.InvariantCulture)})";

    private async Task<IReadOnlyList<Subject>> SubjectsAsync(DbConnection db, DbTransaction? tx, string? name, CancellationToken cancellationToken)
    {
        const string Select = "SELECT s.name, COUNT(f.id), s.created_utc FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
        await using var cmd = name is null
            ? Command(db, tx, Select + " WHERE s.name NOT LIKE @g GROUP BY s.id, s.name, s.created_utc ORDER BY s.name", ("g", GroupPattern))
            : Command(db, tx, Select + " WHERE s.name = @n AND s.name NOT LIKE @g GROUP BY s.id, s.name, s.created_utc", ("n", name), ("g", GroupPattern));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Subject>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Subject(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), _dialect.ReadTime(reader, 2)));
        }

        return list;
    }

    private async Task<IReadOnlyList<StoredKey>> KeysAsync(DbConnection db, string? id, CancellationToken cancellationToken)
    {
        const string Select = "SELECT id, name, scopes, secret_hash, created_utc, revoked_utc FROM api_keys";
        await using var cmd = id is null ? Command(db, null, Select + " ORDER BY created_utc") : Command(db, null, Select + " WHERE id = @i", ("i", id));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new StoredKey(reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetString(3),
                _dialect.ReadTime(reader, 4), reader.IsDBNull(5) ? null : _dialect.ReadTime(reader, 5)));
        }

        return list;
    }
}
