using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// A dialect whose search runs in a <see cref="MemorySubjectIndex"/> loaded from the database: rebuilt whole when
/// another process committed (each dialect says how it knows), and changed subject by subject after this process's own
/// commits. Searches and reloads take turns through one gate, so no search sees a half-loaded index.
/// </summary>
internal abstract class IndexedDialect : GalleryDialect
{
    private readonly MemorySubjectIndex? _index;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _stale = true;

    protected IndexedDialect(int? dimension) => _index = dimension is > 0 ? new MemorySubjectIndex(dimension.Value) : null;

    private MemorySubjectIndex Index => _index ?? throw new InvalidOperationException("This gallery was opened for keys and audit only (no model).");

    /// <summary>Whether another process committed since the last call (the first call answers true).</summary>
    protected abstract Task<bool> OthersCommittedAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancel);

    public override async Task SyncAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancel)
    {
        if (_index is null)
        {
            return;
        }

        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (await OthersCommittedAsync(connection, tx, cancel).ConfigureAwait(false) || _stale)
            {
                _stale = true;   // until a load completes: a failed one is retried by the next call
                _index.Clear();
                await LoadAsync(connection, tx, null, cancel).ConfigureAwait(false);
                _stale = false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async Task CommittedAsync(DbConnection connection, IReadOnlyCollection<long> subjects, object? state, CancellationToken cancel)
    {
        if (_index is null)
        {
            return;
        }

        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            foreach (long id in subjects)
            {
                _index.Remove(id);
                await LoadAsync(connection, null, id, cancel).ConfigureAwait(false);
            }

            OwnCommit(state);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Told of this process's own commit (with what <see cref="GalleryDialect.BeforeCommitAsync"/> returned), after its subjects were reloaded.</summary>
    protected virtual void OwnCommit(object? state)
    {
    }

    public override Task<int> CountFacesAsync(DbConnection connection, CancellationToken cancel) => UnderGate(() => Index.FaceCount, cancel);

    public override Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        UnderGate(() => Index.NearestFaces(probe, n), cancel);

    public override Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        UnderGate(() => Index.NearestTemplates(probe, n), cancel);

    public override Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection connection, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancel) =>
        UnderGate(() => Index.Score(probe, subjects), cancel);

    public override ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> UnderGate<T>(Func<T> read, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
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
    /// Loads every subject (or one) with its faces into the index. A subject whose key is destroyed (an erasure that
    /// did not finish) is left out: its bytes cannot be opened, and its rows go when the erasure is repeated. A full load
    /// also finishes re-keyings that crashed before destroying their old keys.
    /// </summary>
    private async Task LoadAsync(DbConnection connection, DbTransaction? tx, long? subject, CancellationToken cancel)
    {
        const string Select = "SELECT s.id, s.name, f.id, f.embedding FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
        var ring = Sealing as KeyRingSealing;
        var older = subject is null && ring is not null ? ring.SubjectsWithOlderKeys().ToHashSet() : [];
        var oldestInUse = new Dictionary<long, int>();
        var subjects = new List<(long Id, string Name, List<(long, float[])> Faces)>();
        var erased = new HashSet<long>();
        await using (var cmd = subject is null
            ? FaceGallery.Command(connection, tx, Select + " ORDER BY s.id, f.id")
            : FaceGallery.Command(connection, tx, Select + " WHERE s.id = @s ORDER BY f.id", ("s", subject.Value)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            {
                long id = reader.GetInt64(0);
                if (subjects.Count == 0 || subjects[^1].Id != id)
                {
                    subjects.Add((id, reader.GetString(1), []));
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
                    subjects[^1].Faces.Add((reader.GetInt64(2), Floats(Sealing.Open(id, stored))));
                }
                catch (SubjectErasedException)
                {
                    erased.Add(id);
                }
            }
        }

        foreach (var (id, name, faces) in subjects.Where(s => !erased.Contains(s.Id)))
        {
            Index.Set(id, name, faces);
        }

        foreach (var (id, generation) in oldestInUse)
        {
            await ring!.ForgetBelowAsync(id, generation).ConfigureAwait(false);
        }
    }
}
