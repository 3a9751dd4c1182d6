using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Gallery;

/// <summary>
/// SQLite under the shared gallery: one connection behind one async lock (writes are serialised transactions anyway),
/// embeddings as little-endian float blobs, times as ISO 8601 text, and erasure clearing the WAL.
/// </summary>
internal sealed class SqliteDialect : GalleryDialect
{
    private const int BusyTimeoutSeconds = 30;
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);

    private SqliteDialect(SqliteConnection db, string path)
    {
        _db = db;
        Where = path;
    }

    public override string Kind => "sqlite";

    public override string Where { get; }

    public override string LockRow => "";

    /// <summary>One file, one writer at a time: the version row orders commits at no cost.</summary>
    public override ChangeFeed Feed { get; } = new VersionFeed();

    public static SqliteDialect Open(string path)
    {
        CreateOwnerOnly(path);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = BusyTimeoutSeconds }.ToString());
        try
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA busy_timeout=" + (BusyTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture) + ";";
            cmd.ExecuteNonQuery();
            return new SqliteDialect(db, path);
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

    public override async ValueTask<Lease> LeaseAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(_db, () =>
        {
            _lock.Release();
            return ValueTask.CompletedTask;
        });
    }

    public override Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, SubjectSealing sealing, CancellationToken cancellationToken) =>
        SqliteSchema.CreateOrMigrateAsync(Where, sealing, connection, tx, cancellationToken);

    public override object TimeValue(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    public override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteErrorCode: 19 };

    /// <summary>
    /// secure_delete has zeroed the deleted rows in the pages, but the WAL still holds the pages as they were: a TRUNCATE
    /// checkpoint copies the zeroed pages into the database and empties the WAL (waiting, through busy_timeout, for
    /// readers in other processes to finish).
    /// </summary>
    public override async Task ErasedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = GalleryDb.Command(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) != 0)
        {
            throw new TimeoutException($"{Where}: the erasure is committed, but another process kept the write-ahead log busy for {BusyTimeoutSeconds} s, so earlier copies of the erased data are still in it; repeat the erasure to clear them.");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
