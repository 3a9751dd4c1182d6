using System.Data.Common;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The gallery over ADO.NET: subjects and their faces (FaceGallery.Subjects.cs), groups of unnamed faces
/// (FaceGallery.Groups.cs), API keys and the audit (FaceGallery.Keys.cs), over a database dialect, a sealing of each
/// subject's and group's bytes and a search index in memory, which this part composes (SQLite: <c>SqliteGallery.OpenAsync</c>;
/// PostgreSQL, faces sealed per subject: <c>PostgresGallery.OpenAsync</c>). Schema: meta (schema version, pinned model),
/// subjects and face_groups (each with a template = normalised mean of its faces), faces (of one subject or one group:
/// embedding, aligned crop PNG, source), api_keys, audit, request_keys, gallery_version, cameras (FaceGallery.Cameras.cs), webhooks (FaceGallery.Webhooks.cs), snapshots (FaceGallery.Snapshots.cs). Every write is one transaction
/// with its audit entry. A gallery searched in its database (<see cref="IDatabaseSearch"/>) holds no index in memory.
/// </summary>
internal sealed partial class FaceGallery : IFaceGallery, IApiKeyStore
{
    /// <summary>
    /// The schema this code writes; earlier ones are migrated when opened (4: groups in their own table; 5: cameras; 6: webhooks;
    /// 7: snapshots; 8: PostgreSQL's change feed by transaction id, for writers in parallel; 9: PostgreSQL galleries may be
    /// searched in the database, whose copies of the vectors an older version would not keep in step).
    /// </summary>
    public const int SchemaVersion = 9;

    private readonly GalleryDialect _dialect;
    private readonly SubjectSealing _sealing;
    private readonly GalleryIndex _index;
    private readonly IDatabaseSearch? _database;
    private readonly ModelIdentity? _model;
    private int _disposed;

    private FaceGallery(GalleryDialect dialect, SubjectSealing sealing, GalleryIndex index, IDatabaseSearch? database, ModelIdentity? model)
    {
        _dialect = dialect;
        _sealing = sealing;
        _index = index;
        _database = database;
        _model = model;
    }

    public string Kind => _dialect.Kind;

    /// <summary>Where the index in memory was last loaded from: "file" (the index file), "file and change feed", "database", or null.</summary>
    internal string? IndexLoadedFrom => _index.LoadedFrom;

    /// <summary>Loads of the whole index from the database (at open, or when the change feed could not cover a gap).</summary>
    internal int IndexFullLoads => _index.FullLoads;

    internal bool IndexRebuilding => _index.Rebuilding;

    /// <summary>Subjects and groups reloaded from the change feed for other processes' commits.</summary>
    internal long IndexChangesApplied => _index.ChangesApplied;

    /// <summary>Whether the index keeps its faces' half-precision copies mapped from the index file.</summary>
    internal bool IndexCopiesMapped => _index.CopiesMapped;

    /// <summary>Whether the index's HNSW graph of faces was read from the index file (not built at open).</summary>
    internal bool IndexGraphRead => _index.GraphRead;

    /// <summary>Whether that graph is still viewed in the index file's mapping (not loaded into memory).</summary>
    internal bool IndexGraphViewed => _index.GraphViewed;

    /// <summary>The pinned model; a gallery opened for keys only has none.</summary>
    public ModelIdentity Model => _model ?? throw new InvalidOperationException("This gallery was opened for keys and audit only (no model).");

    /// <summary>
    /// Creates or migrates the schema and pins (or checks) the model; a null model opens for keys and audit only. The
    /// gallery owns what it is given: it disposes them when closed, or here when the open fails. With a
    /// <paramref name="database"/> search, no index is loaded in memory (nor an index file kept).
    /// </summary>
    internal static async Task<FaceGallery> OpenAsync(GalleryDialect dialect, SubjectSealing sealing, string? indexFile, GalleryIndexOptions options, ModelIdentity? model, CancellationToken cancellationToken = default, IDatabaseSearch? database = null)
    {
        var index = database is null ? new GalleryIndex(model?.Dimension, indexFile, options, sealing, dialect.Feed) : new GalleryIndex(null, null, options, sealing, dialect.Feed);
        var gallery = new FaceGallery(dialect, sealing, index, database, model);
        try
        {
            await using (var lease = await dialect.LeaseAsync(cancellationToken).ConfigureAwait(false))
            {
                var db = lease.Connection;
                await using var tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await dialect.CreateOrMigrateAsync(db, tx, model?.Dimension ?? 0, sealing, cancellationToken).ConfigureAwait(false);
                if (database is not null)
                {
                    await database.PrepareAsync(db, tx, model?.Dimension ?? 0, cancellationToken).ConfigureAwait(false);
                }

                if (model is not null)
                {
                    await PinAsync(db, tx, model, dialect.Where, cancellationToken).ConfigureAwait(false);
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                await gallery._index.SyncAsync(db, null, cancellationToken).ConfigureAwait(false);
            }

            return gallery;
        }
        catch (DbException e)
        {
            await gallery.ReleaseAsync().ConfigureAwait(false);
            throw new GalleryException(GalleryError.Invalid, $"{dialect.Where}: not a usable gallery database ({e.Message}).", e);
        }
        catch
        {
            await gallery.ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Pins the model in a new gallery, or checks it against the one pinned.</summary>
    private static async Task PinAsync(DbConnection db, DbTransaction tx, ModelIdentity model, string where, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>();
        await using (var cmd = GalleryDb.Command(db, tx, "SELECT key, value FROM meta"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (ModelPin.Read(values.GetValueOrDefault) is { } pinned)
        {
            ModelPin.Check(pinned, model, where);
            return;
        }

        foreach (var (key, value) in ModelPin.Entries(model))
        {
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "INSERT INTO meta(key, value) VALUES (@k, @v)", ("k", key), ("v", value)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await using var lease = await _dialect.LeaseAsync(CancellationToken.None).ConfigureAwait(false);
            await _index.CloseAsync(lease.Connection, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ReleaseAsync()
    {
        _index.Dispose();
        await _dialect.DisposeAsync().ConfigureAwait(false);
        (_sealing as IDisposable)?.Dispose();
    }

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
        await _index.SyncAsync(lease.Connection, null, cancellationToken).ConfigureAwait(false);
        return await read(lease.Connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: the write, then commit, then (still holding the lease) the index hears which subjects and groups
    /// changed, so it changes only after a commit and no search sees a half-applied write. After an erasure the dialect
    /// also clears what the database keeps of deleted rows beside its tables (SQLite: the WAL).
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, IReadOnlyCollection<FaceOwner> Changed)>> write, CancellationToken cancellationToken, string? conflictName = null, bool erases = false)
    {
        await using var lease = await _dialect.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var db = lease.Connection;
        (T Result, IReadOnlyCollection<FaceOwner> Changed) outcome;
        object? state = null;
        try
        {
            await using var tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await _index.SyncAsync(db, tx, cancellationToken).ConfigureAwait(false);
            outcome = await write(db, tx, cancellationToken).ConfigureAwait(false);
            if (outcome.Changed.Count > 0 && _database is not null)
            {
                // In the write's transaction: the database's copies commit (or roll back) with the rows they copy.
                await _database.WrittenAsync(db, tx, outcome.Changed, cancellationToken).ConfigureAwait(false);
            }

            if (outcome.Changed.Count > 0)
            {
                state = await _index.BeforeCommitAsync(db, tx, outcome.Changed, cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException e) when (conflictName is not null && _dialect.IsUniqueViolation(e))
        {
            throw Conflict(conflictName);
        }

        if (state is not null)
        {
            await _index.CommittedAsync(db, outcome.Changed, state, CancellationToken.None).ConfigureAwait(false);
        }

        if (erases)
        {
            // Also when nothing was left to erase: repeating an erasure finishes one whose clean-up did not.
            await _dialect.ErasedAsync(db, CancellationToken.None).ConfigureAwait(false);
        }

        return outcome.Result;
    }

    /// <summary>
    /// Deletes a subject or group with its faces inside the write transaction, destroying its keys first: should the
    /// commit fail, its bytes are already unreadable, and repeating the erasure removes the rows. Returns how many faces.
    /// </summary>
    private async Task<long> DeleteOwnerAsync(DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken c)
    {
        long faces = await CountFacesAsync(db, tx, owner, c).ConfigureAwait(false);
        await _sealing.ForgetAsync(owner.Id).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, $"DELETE FROM snapshots WHERE {owner.Column} = @s", ("s", owner.Id)).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, $"DELETE FROM faces WHERE {owner.Column} = @s", ("s", owner.Id)).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, $"DELETE FROM {owner.Table} WHERE id = @s", ("s", owner.Id)).ConfigureAwait(false);
        return faces;
    }

    private static async Task<long> CountFacesAsync(DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken c) =>
        await GalleryDb.ScalarAsync<long>(db, tx, c, $"SELECT COUNT(*) FROM faces WHERE {owner.Column} = @s", ("s", owner.Id)).ConfigureAwait(false);

    /// <summary>Stores a face of a subject or group, sealed for it, inside the write transaction; returns its id.</summary>
    private async Task<long> InsertFaceAsync(DbConnection db, DbTransaction tx, FaceOwner owner, NewFace face, DateTimeOffset now, CancellationToken c) =>
        await GalleryDb.ScalarAsync<long>(db, tx, c, $"INSERT INTO faces({owner.Column}, created_utc, embedding, crop, source) VALUES (@s, @t, @e, @c, @o) RETURNING id",
            ("s", owner.Id), ("t", _dialect.TimeValue(now)), ("e", _sealing.SealFloats(owner.Id, face.Embedding)), ("c", _sealing.Seal(owner.Id, face.CropPng ?? [])), ("o", face.Source)).ConfigureAwait(false);

    private Task UpdateTemplateAsync(DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken c) => StoredTemplates.UpdateAsync(_sealing, db, tx, owner, c);

    /// <summary>
    /// For a subject or group that lost faces (deleted, or moved elsewhere) and keeps some, inside the write transaction:
    /// re-seals the faces it keeps under a new key. The returned action, run after the commit, destroys the old key,
    /// which also opened the faces it lost (their old copies must not outlive their erasure).
    /// </summary>
    private async Task<Func<Task>> RenewKeyAsync(DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken c)
    {
        if (!await _sealing.RenewAsync(owner.Id).ConfigureAwait(false))
        {
            return NothingAfter;
        }

        await SealAgainAsync(db, tx, owner, owner, null, c).ConfigureAwait(false);
        return () => _sealing.ForgetOlderAsync(owner.Id);
    }

    /// <summary>
    /// Seals faces (all of an owner's, or the one given) again, inside the write transaction, for the owner they then
    /// belong to: the same one under its newest key, or another they move to; all of them take the owner's snapshots
    /// along. Returns how many faces.
    /// </summary>
    private async Task<int> SealAgainAsync(DbConnection db, DbTransaction tx, FaceOwner from, FaceOwner to, long? face, CancellationToken cancellationToken)
    {
        var faces = new List<(long Id, byte[] Embedding, byte[] Crop)>();
        string select = $"SELECT id, embedding, crop FROM faces WHERE {from.Column} = @s";
        await using (var cmd = face is { } only
            ? GalleryDb.Command(db, tx, select + " AND id = @f", ("s", from.Id), ("f", only))
            : GalleryDb.Command(db, tx, select, ("s", from.Id)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                faces.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
            }
        }

        foreach (var (id, embedding, crop) in faces)
        {
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "UPDATE faces SET subject_id = @ts, group_id = @tg, embedding = @e, crop = @c WHERE id = @i",
                ("ts", to.IsGroup ? null : (object)to.Id), ("tg", to.IsGroup ? (object)to.Id : null), ("e", _sealing.Seal(to.Id, _sealing.Open(from.Id, embedding))),
                ("c", _sealing.Seal(to.Id, _sealing.Open(from.Id, crop))), ("i", id)).ConfigureAwait(false);
        }

        if (face is null)
        {
            await SealSnapshotsAgainAsync(db, tx, $"{from.Column} = @s", from.Id, to, null, cancellationToken).ConfigureAwait(false);
        }

        return faces.Count;
    }

    /// <summary>A stored embedding or template, or null when its owner's key is destroyed (an erasure not yet finished).</summary>
    private float[]? OpenEmbedding(DbDataReader reader, int ordinal, long ownerId)
    {
        try
        {
            return _sealing.OpenFloats(ownerId, (byte[])reader.GetValue(ordinal));
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }

    private byte[]? OpenCrop(long ownerId, byte[] stored)
    {
        try
        {
            byte[] crop = _sealing.Open(ownerId, stored);
            return crop.Length > 0 ? crop : null;
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }

    private static Task NothingAfter() => Task.CompletedTask;
}
