using System.Data.Common;
using ArcFaceKit.IO;
using ArcFaceKit.Search;

namespace ArcFaceKit.Gallery;

/// <summary>A face found by a nearest-face search.</summary>
internal readonly record struct FaceHit(long FaceId, long SubjectId, float Similarity);

/// <summary>A subject (or group) found by a nearest-template search.</summary>
internal readonly record struct TemplateHit(long SubjectId, float Similarity);

/// <summary>
/// The gallery's search in a <see cref="MemorySubjectIndex"/> loaded from the database: subjects with their faces, and
/// the templates of the groups of unnamed faces (so a new face finds its group by search). Every write that changes
/// subjects or groups records in the change feed (gallery_changes: owner ids, nothing more; ordered as the dialect's
/// <see cref="ChangeFeed"/> says) which subjects and groups it changed, in its transaction. A process whose position is
/// behind reloads just those owners when the feed covers every commit since, and rebuilds its index otherwise (too far
/// behind, or another history); after its own commits it changes it subject by subject. Searches and
/// changes take turns through one gate, so no search sees a half-loaded index; a rebuild that a read starts loads the
/// new index beside the one held, outside the gate, and swaps it in, so searches go on meanwhile.
/// With an index file, a gallery opens from the file instead of the database when the file's stamp is the database's
/// current position, or an earlier one the feed leads on from (then the file is written again): the file is written (atomically, holding the feed's save lock, which waits for every writer) at open after a load from the
/// database and at a clean close, and deleted by every writer once it holds its writer's lock and before it commits, so a crash
/// anywhere leaves either no file or one whose stamp is behind, which is ignored; an erased face leaves no copy in it.
/// </summary>
internal sealed class GalleryIndex : IDisposable
{
    private readonly int? _dimension;
    private readonly string? _file;
    private readonly GalleryIndexOptions _options;
    private readonly SubjectSealing _sealing;
    private readonly ChangeFeed _feed;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MemorySubjectIndex? _index;
    private FeedPosition? _seen;
    private string? _fileStamp;
    private bool _opened;
    private long _loads;        // how many times _index was loaded whole: a rebuild swaps in only over the one it began beside
    private bool _rebuilding;   // under the gate: one rebuild at a time, the other reads go on with the index held

    /// <summary>A null or 0 dimension: a gallery opened for keys and audit only, with no index.</summary>
    public GalleryIndex(int? dimension, string? indexFile, GalleryIndexOptions options, SubjectSealing sealing, ChangeFeed feed)
    {
        _feed = feed;
        _dimension = dimension is > 0 ? dimension : null;
        _file = _dimension is null ? null : indexFile;
        _options = options;
        _sealing = sealing;
    }

    private MemorySubjectIndex Index => _index ?? throw new InvalidOperationException(_dimension is null ? "This gallery was opened for keys and audit only (no model)." : "The gallery's index is not loaded.");

    /// <summary>How the current index was loaded: "file", "database" or null (none yet).</summary>
    public string? LoadedFrom { get; private set; }

    /// <summary>Whether the current index keeps its faces' half-precision copies mapped from the index file.</summary>
    public bool CopiesMapped => _index?.CopiesMapped ?? false;

    /// <summary>Whether the current index's HNSW graph of faces was read from the index file.</summary>
    public bool GraphRead => _index?.GraphRead ?? false;

    /// <summary>Whether that graph is still viewed in the index file's mapping.</summary>
    public bool GraphViewed => _index?.GraphViewed ?? false;

    /// <summary>
    /// Called inside each write transaction and before each read: picks up commits made by other processes, from the
    /// change feed (the subjects and groups each commit changed, reloaded one by one) when it covers every commit since
    /// the version held, else by loading everything again (for a read, beside the index held, which serves meanwhile).
    /// At open, an index file of an older version is brought up to date the same way and written again.
    /// </summary>
    public async Task SyncAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken)
    {
        if (_dimension is { } dimension && await CatchUpAsync(dimension, connection, tx, cancellationToken).ConfigureAwait(false) is { } rebuild)
        {
            await RebuildAsync(dimension, connection, rebuild, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="SyncAsync"/> under the gate: returns the version to rebuild at when a read finds a running index that
    /// the change feed cannot bring up to date (and no rebuild is under way): it is rebuilt outside the gate.
    /// </summary>
    private async Task<Rebuild?> CatchUpAsync(int dimension, DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var file = _index is null && !_opened ? ReadFile(dimension) : null;
            FeedPosition now;
            IReadOnlyCollection<FaceOwner>? changed;
            try
            {
                (now, changed) = await _feed.ReadAsync(connection, tx, _index is not null ? _seen : file?.Position, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                file?.Index.Dispose();
                throw;
            }

            if (_index is not null && changed is not null)
            {
                if (changed.Count > 0)
                {
                    await ApplyAsync(_index, connection, tx, changed, cancellationToken).ConfigureAwait(false);

                    // As a writer does: no index file may keep what those commits changed or erased (a clean close writes one again).
                    if (_file is not null && _fileStamp is not null)
                    {
                        DeleteFile(_file);
                    }
                }

                _seen = now;
                return null;
            }

            if (_index is not null && tx is null)
            {
                // A read: searches go on with the index held while another is loaded beside it. A write keeps the
                // gate (below): it must change an index that is up to date.
                if (_rebuilding)
                {
                    return null;
                }

                _rebuilding = true;
                return new Rebuild(now, _loads);
            }

            _index?.Dispose();
            _index = null;   // until a load completes: a failed one is retried by the next call
            MemorySubjectIndex? index = null;
            bool save = !_opened && tx is null;
            if (file is not null)
            {
                if (changed is { Count: 0 })
                {
                    (index, LoadedFrom, save) = (file.Value.Index, "file", false);
                }
                else if (changed is not null)
                {
                    try
                    {
                        await ApplyAsync(file.Value.Index, connection, tx, changed, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        file.Value.Index.Dispose();
                        throw;
                    }

                    (index, LoadedFrom) = (file.Value.Index, "file and change feed");
                }
                else
                {
                    file.Value.Index.Dispose();
                }
            }

            if (index is null)
            {
                index = new MemorySubjectIndex(dimension, _options);
                try
                {
                    await LoadAsync(index, connection, tx, null, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    index.Dispose();
                    throw;
                }

                LoadedFrom = "database";
                FullLoads++;
            }

            if (save)
            {
                await SaveAsync(connection, index, now, cancellationToken).ConfigureAwait(false);

                // Read back, the copies searches re-score from stay mapped from the file instead of in this process's memory.
                if (_fileStamp == now.Stamp && ReadFile(dimension) is { } mapped)
                {
                    index.Dispose();
                    index = mapped.Index;
                }
            }

            (_index, _seen, _opened) = (index, now, true);
            _loads++;
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Loads every subject and group into a new index without the gate, then swaps it in at the version read before
    /// the load: a commit that lands meanwhile is in the rows or comes after that version, so the change feed (or the
    /// next rebuild) applies it again. Not swapped when the index was loaded again meanwhile (by a write).
    /// </summary>
    private async Task RebuildAsync(int dimension, DbConnection connection, Rebuild rebuild, CancellationToken cancellationToken)
    {
        MemorySubjectIndex? spare = new(dimension, _options);
        bool done = false;
        try
        {
            await LoadAsync(spare, connection, null, null, cancellationToken).ConfigureAwait(false);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_loads == rebuild.Loads)
                {
                    (_index, spare) = (spare, _index);
                    (_seen, LoadedFrom) = (rebuild.At, "database");
                    (_loads, FullLoads) = (_loads + 1, FullLoads + 1);

                    // As after changes from the feed: no index file may keep what the commits since it changed or erased.
                    if (_file is not null && _fileStamp is not null)
                    {
                        DeleteFile(_file);
                    }
                }

                (_rebuilding, done) = (false, true);
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            spare?.Dispose();   // the index swapped out, or the one not swapped in
            if (!done)
            {
                // Failed or cancelled: the next read starts another.
                await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                _rebuilding = false;
                _gate.Release();
            }
        }
    }

    /// <summary>A rebuild started at <paramref name="At"/>, when the index had been loaded <paramref name="Loads"/> times.</summary>
    private sealed record Rebuild(FeedPosition At, long Loads);

    /// <summary>Loads of every subject and group from the database, at open or when the change feed could not cover a gap.</summary>
    public int FullLoads { get; private set; }

    /// <summary>Whether a read's rebuild is loading a new index beside the one held.</summary>
    public bool Rebuilding => Volatile.Read(ref _rebuilding);

    /// <summary>Subjects and groups reloaded from the change feed for other processes' commits.</summary>
    public long ChangesApplied { get; private set; }

    /// <summary>Called last inside a write transaction that changed subjects or groups; what it returns is handed to <see cref="CommittedAsync"/>.</summary>
    public async Task<object> BeforeCommitAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken)
    {
        object recorded = await _feed.RecordAsync(connection, tx, owners, cancellationToken).ConfigureAwait(false);
        if (_file is not null)
        {
            // Holding the feed's writer's lock (so no process is writing the file now) and before the commit, so no
            // crash can leave a file that holds what the commit changes or erases.
            DeleteFile(_file);
        }

        return recorded;
    }

    /// <summary>Called after a commit (still holding the lease) with the subjects and groups whose rows it changed.</summary>
    public async Task CommittedAsync(DbConnection connection, IReadOnlyCollection<FaceOwner> owners, object state, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index is null)
            {
                return;   // the next call loads everything
            }

            await ReloadAsync(_index, connection, null, owners, cancellationToken).ConfigureAwait(false);

            if (_seen is { } seen && _feed.Committed(seen, state) is { } next)
            {
                _seen = next;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>At a clean close: writes the index file when the index is at the database's current position and the file is not.</summary>
    public async Task CloseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index is not null && _seen is { } seen && _fileStamp != seen.Stamp)
            {
                await SaveAsync(connection, _index, seen, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<int> CountFacesAsync(CancellationToken cancellationToken) => UnderGate(() => Index.FaceCount, cancellationToken);

    /// <summary>The n faces nearest the probe, best first.</summary>
    public Task<IReadOnlyList<FaceHit>> NearestFacesAsync(float[] probe, int n, CancellationToken cancellationToken) =>
        UnderGate(() => Index.NearestFaces(probe, n), cancellationToken);

    /// <summary>The n subject templates nearest the probe, best first.</summary>
    public Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(float[] probe, int n, CancellationToken cancellationToken) =>
        UnderGate(() => Index.NearestTemplates(probe, n), cancellationToken);

    /// <summary>For each subject with faces: its name, its most similar face and the similarity of its template.</summary>
    public Task<IReadOnlyList<SubjectMatch>> ScoreAsync(float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancellationToken) =>
        UnderGate(() => Index.Score(probe, subjects), cancellationToken);

    /// <summary>The group whose template is nearest the probe, or null when there are none.</summary>
    public Task<TemplateHit?> NearestGroupAsync(float[] probe, CancellationToken cancellationToken) =>
        UnderGate(() => Index.NearestGroup(probe), cancellationToken);

    public void Dispose()
    {
        _index?.Dispose();
        _gate.Dispose();
    }

    /// <summary>The index file with the position it holds; null when missing or damaged (the database is read instead).</summary>
    private (MemorySubjectIndex Index, FeedPosition Position)? ReadFile(int dimension)
    {
        if (_file is null)
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            if (MemorySubjectIndex.ReadStamp(stream) is not { } stamp || _feed.Parse(stamp) is not { } position)
            {
                return null;
            }

            var index = MemorySubjectIndex.Read(stream, dimension, _options);
            _fileStamp = stamp;
            return (index, position);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the index file when the database is still at <paramref name="version"/>, holding the feed's save lock
    /// meanwhile: a writer deletes the file only once it holds the lock that waits for, so it cannot delete it before
    /// this write lands and commit after it, which would leave a file of the old version holding what that commit erased.
    /// </summary>
    private async Task SaveAsync(DbConnection connection, MemorySubjectIndex index, FeedPosition version, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return;
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await _feed.LockForSaveAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        if ((await _feed.ReadAsync(connection, tx, version, cancellationToken).ConfigureAwait(false)).Changed is { Count: 0 })
        {
            try
            {
                AtomicFile.Write(_file, stream => index.Write(stream, version.Stamp), ownerOnly: true);
                _fileStamp = version.Stamp;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _fileStamp = null;   // disk full, no permission: no file is left, and the next open reads the database
            }
        }

        await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Other processes' commits, as the change feed names their owners.</summary>
    private async Task ApplyAsync(MemorySubjectIndex index, DbConnection connection, DbTransaction? tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken)
    {
        await ReloadAsync(index, connection, tx, owners, cancellationToken).ConfigureAwait(false);
        ChangesApplied += owners.Count;
    }

    /// <summary>Subjects or groups reloaded by one statement: a node catching up on thousands of commits pays a round trip a batch, not one an owner.</summary>
    private const int ReloadBatch = 500;

    /// <summary>Each owner as the database holds it now (gone, erased or emptied: out of the index).</summary>
    private async Task ReloadAsync(MemorySubjectIndex index, DbConnection connection, DbTransaction? tx, IEnumerable<FaceOwner> owners, CancellationToken cancellationToken)
    {
        foreach (var kind in owners.Distinct().GroupBy(o => o.IsGroup))
        {
            foreach (var batch in kind.Chunk(ReloadBatch))
            {
                await LoadAsync(index, connection, tx, batch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void DeleteFile(string file)
    {
        File.Delete(file);
        _fileStamp = null;
    }

    private async Task<T> UnderGate<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Loads every subject and group (or the ones given, all of one kind) with their faces into the index. An owner whose key is destroyed
    /// (an erasure that did not finish) is left out: its bytes cannot be opened, and its rows go when the erasure is
    /// repeated. A full load also finishes re-keyings that crashed before destroying their old keys.
    /// </summary>
    private async Task LoadAsync(MemorySubjectIndex index, DbConnection connection, DbTransaction? tx, IReadOnlyList<FaceOwner>? only, CancellationToken cancellationToken)
    {
        var ring = _sealing as KeyRingSealing;
        var older = only is null && ring is not null ? ring.SubjectsWithOlderKeys().ToHashSet() : [];
        var oldestInUse = new Dictionary<long, int>();
        foreach (bool groups in only is { } some ? [some[0].IsGroup] : new[] { false, true })
        {
            string select = groups
                ? "SELECT o.id, '', f.id, f.embedding FROM face_groups o LEFT JOIN faces f ON f.group_id = o.id"
                : "SELECT o.id, o.name, f.id, f.embedding FROM subjects o LEFT JOIN faces f ON f.subject_id = o.id";
            var owners = new List<(long Id, string Name, List<(long, float[])> Faces)>();
            var erased = new HashSet<long>();
            await using (var cmd = only is { } chosen
                ? GalleryDb.Command(connection, tx, $"{select} WHERE o.id IN ({string.Join(", ", chosen.Select((_, i) => $"@s{i}"))}) ORDER BY o.id, f.id",
                    [.. chosen.Select((o, i) => ($"s{i}", (object?)o.Id))])
                : GalleryDb.Command(connection, tx, select + " ORDER BY o.id, f.id"))
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    long id = reader.GetInt64(0);
                    if (owners.Count == 0 || owners[^1].Id != id)
                    {
                        owners.Add((id, reader.GetString(1), []));
                    }

                    if (reader.IsDBNull(2) || erased.Contains(id))
                    {
                        continue;
                    }

                    byte[] stored = (byte[])reader.GetValue(3);
                    if (older.Contains(id))
                    {
                        oldestInUse[id] = Math.Min(oldestInUse.GetValueOrDefault(id, int.MaxValue), KeyRingSealing.GenerationOf(stored));
                    }

                    try
                    {
                        owners[^1].Faces.Add((reader.GetInt64(2), _sealing.OpenFloats(id, stored)));
                    }
                    catch (SubjectErasedException)
                    {
                        erased.Add(id);
                    }
                }
            }

            foreach (var changed in only ?? [])
            {
                // Gone, erased or emptied: out of the index (a group is searched by its template, which needs faces).
                index.Remove(changed);
            }

            foreach (var (id, name, faces) in owners.Where(o => !erased.Contains(o.Id)))
            {
                if (groups)
                {
                    index.SetGroup(id, faces.Select(f => f.Item2).ToList());
                }
                else
                {
                    index.Set(id, name, faces);
                }
            }
        }

        foreach (var (id, generation) in oldestInUse)
        {
            await ring!.ForgetBelowAsync(id, generation).ConfigureAwait(false);
        }
    }
}
