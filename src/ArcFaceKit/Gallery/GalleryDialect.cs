using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// What differs between databases under <see cref="FaceGallery"/>: connections, column types, how times are bound and
/// read, row locks, migrations from earlier schemas and what an erasure must clear beside the tables. The gallery
/// composes it with how bytes are sealed (<see cref="SubjectSealing"/>) and its search index (<see cref="GalleryIndex"/>).
/// </summary>
internal abstract class GalleryDialect : IAsyncDisposable
{
    public abstract string Kind { get; }

    /// <summary>Names the database in messages (a file path, a schema).</summary>
    public abstract string Where { get; }

    /// <summary>A connection for one operation, with its session settings applied; released by disposing the lease.</summary>
    public abstract ValueTask<Lease> LeaseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the tables of the current schema, migrating earlier schemas first (sealing what an earlier one kept plain
    /// with <paramref name="sealing"/>). Runs inside <paramref name="tx"/>.
    /// </summary>
    public abstract Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, SubjectSealing sealing, CancellationToken cancellationToken);

    public abstract object TimeValue(DateTimeOffset time);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Appended to the SELECT that reads a subject's or group's row before a write, to lock it where the database needs that.</summary>
    public abstract string LockRow { get; }

    public abstract bool IsUniqueViolation(DbException e);

    /// <summary>How commits that change subjects or groups are ordered and recorded for every process's index.</summary>
    public abstract ChangeFeed Feed { get; }

    /// <summary>
    /// Called after a committed erasure (still holding the lease): removes the copies of deleted rows the database keeps
    /// outside its live pages where it can (SQLite: checkpoints and truncates the WAL; secure_delete zeroes the pages).
    /// </summary>
    public virtual Task ErasedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    /// <summary>A connection lent for one operation.</summary>
    internal sealed class Lease(DbConnection connection, Func<ValueTask> release) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;

        public ValueTask DisposeAsync() => release();
    }
}
