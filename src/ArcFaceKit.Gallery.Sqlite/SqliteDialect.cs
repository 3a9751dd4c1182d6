using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Gallery;

/// <summary>
/// SQLite under the shared gallery: one connection behind one async lock (writes are serialised transactions anyway),
/// embeddings as little-endian float blobs, times as ISO 8601 text, and the search in a <see cref="MemorySubjectIndex"/>.
/// PRAGMA data_version moves only when another connection commits, so the index is reloaded exactly when another
/// process wrote, and inside a write transaction nobody can slip in between.
/// </summary>
internal sealed class SqliteDialect : GalleryDialect
{
    private const int BusyTimeoutSeconds = 30;
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly MemorySubjectIndex? _index;
    private long _dataVersion = -1;

    private SqliteDialect(SqliteConnection db, string path, int? dimension)
    {
        _db = db;
        Where = path;
        _index = dimension is > 0 ? new MemorySubjectIndex(dimension.Value) : null;
    }

    public override string Kind => "sqlite";

    public override string Where { get; }

    public override string LockRow => "";

    private MemorySubjectIndex Index => _index ?? throw new InvalidOperationException("This gallery was opened for keys and audit only (no model).");

    public static SqliteDialect Open(string path, int? dimension)
    {
        CreateOwnerOnly(path);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = BusyTimeoutSeconds }.ToString());
        try
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA busy_timeout=" + (BusyTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture) + ";";
            cmd.ExecuteNonQuery();
            return new SqliteDialect(db, path, dimension);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>A new gallery file is readable by its owner only (faces are biometric data); SQLite gives its WAL the same mode.</summary>
    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first.
        }
    }

    public override async ValueTask<Lease> LeaseAsync(CancellationToken cancel)
    {
        await _lock.WaitAsync(cancel).ConfigureAwait(false);
        return new Lease(_db, () =>
        {
            _lock.Release();
            return ValueTask.CompletedTask;
        });
    }

    public override Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, CancellationToken cancel) =>
        SqliteSchema.CreateOrMigrateAsync(this, connection, tx, cancel);

    public override object EmbeddingValue(float[] embedding) => MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();

    public override float[] ReadEmbedding(DbDataReader reader, int ordinal) => MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(ordinal)).ToArray();

    public override object TimeValue(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    public override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteErrorCode: 19 };

    public override async Task SyncAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancel)
    {
        if (_index is null)
        {
            return;
        }

        long version = await FaceGallery.ScalarAsync<long>(connection, tx, cancel, "PRAGMA data_version").ConfigureAwait(false);
        if (version == _dataVersion)
        {
            return;
        }

        _index.Clear();
        await LoadAsync(connection, tx, null, cancel).ConfigureAwait(false);
        _dataVersion = version;
    }

    public override async Task CommittedAsync(DbConnection connection, IReadOnlyCollection<long> subjects, CancellationToken cancel)
    {
        if (_index is null)
        {
            return;
        }

        foreach (long id in subjects)
        {
            _index.Remove(id);
            await LoadAsync(connection, null, id, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// secure_delete has zeroed the deleted rows in the pages, but the WAL still holds the pages as they were: a TRUNCATE
    /// checkpoint copies the zeroed pages into the database and empties the WAL (waiting, through busy_timeout, for
    /// readers in other processes to finish).
    /// </summary>
    public override async Task ErasedAsync(DbConnection connection, CancellationToken cancel)
    {
        await using var cmd = FaceGallery.Command(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)");
        await using var reader = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        if (await reader.ReadAsync(cancel).ConfigureAwait(false) && reader.GetInt64(0) != 0)
        {
            throw new TimeoutException($"{Where}: the erasure is committed, but another process kept the write-ahead log busy for {BusyTimeoutSeconds} s, so earlier copies of the erased data are still in it; repeat the erasure to clear them.");
        }
    }

    public override Task<int> CountFacesAsync(DbConnection connection, CancellationToken cancel) => Task.FromResult(Index.FaceCount);

    public override Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        Task.FromResult(Index.NearestFaces(probe, n));

    public override Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancel) =>
        Task.FromResult(Index.NearestTemplates(probe, n));

    public override Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection connection, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancel) =>
        Task.FromResult(Index.Score(probe, subjects));

    public override async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }

    /// <summary>Loads every subject (or one) with its faces into the index.</summary>
    private async Task LoadAsync(DbConnection connection, DbTransaction? tx, long? subject, CancellationToken cancel)
    {
        const string Select = "SELECT s.id, s.name, f.id, f.embedding FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
        await using var cmd = subject is null
            ? FaceGallery.Command(connection, tx, Select + " ORDER BY s.id, f.id")
            : FaceGallery.Command(connection, tx, Select + " WHERE s.id = @s ORDER BY f.id", ("s", subject.Value));
        await using var reader = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        long current = long.MinValue;
        string name = "";
        var faces = new List<(long, float[])>();
        while (await reader.ReadAsync(cancel).ConfigureAwait(false))
        {
            long id = reader.GetInt64(0);
            if (id != current)
            {
                if (current != long.MinValue)
                {
                    Index.Set(current, name, faces);
                }

                (current, name, faces) = (id, reader.GetString(1), []);
            }

            if (!reader.IsDBNull(2))
            {
                faces.Add((reader.GetInt64(2), ReadEmbedding(reader, 3)));
            }
        }

        if (current != long.MinValue)
        {
            Index.Set(current, name, faces);
        }
    }
}
