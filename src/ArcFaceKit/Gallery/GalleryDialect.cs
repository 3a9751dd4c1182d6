using System.Data.Common;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Gallery;

/// <summary>A face found by a nearest-face search.</summary>
internal readonly record struct FaceHit(long FaceId, long SubjectId, float Similarity);

/// <summary>A subject found by a nearest-template search.</summary>
internal readonly record struct TemplateHit(long SubjectId, float Similarity);

/// <summary>
/// What differs between databases under <see cref="FaceGallery"/>: connections, column types, how times are bound and
/// read, migrations from earlier schemas, how the subjects' bytes are protected at rest, and how other processes'
/// commits are noticed (both search in memory: <see cref="IndexedDialect"/>). Everything else (keys, audit, row
/// mapping, model pinning, templates, ranking) is shared and lives in <see cref="FaceGallery"/>.
/// </summary>
internal abstract class GalleryDialect : IAsyncDisposable
{
    public abstract string Kind { get; }

    /// <summary>Names the database in messages (a file path, a schema).</summary>
    public abstract string Where { get; }

    /// <summary>A connection for one operation, with its session settings applied; released by disposing the lease.</summary>
    public abstract ValueTask<Lease> LeaseAsync(CancellationToken cancellationToken);

    /// <summary>Creates the tables of the current schema, migrating earlier schemas first. Runs inside <paramref name="tx"/>.</summary>
    public abstract Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, int dimension, CancellationToken cancellationToken);

    /// <summary>How each subject's biometric bytes are protected at rest (plain unless the dialect says otherwise).</summary>
    public virtual SubjectSealing Sealing => SubjectSealing.Plain;

    /// <summary>An embedding as stored for its subject: little-endian floats, sealed.</summary>
    public byte[] EmbeddingValue(long subjectId, float[] embedding) => Sealing.Seal(subjectId, MemoryMarshal.AsBytes(embedding.AsSpan()));

    public float[] ReadEmbedding(DbDataReader reader, int ordinal, long subjectId) => Floats(Sealing.Open(subjectId, (byte[])reader.GetValue(ordinal)));

    protected static float[] Floats(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public abstract object TimeValue(DateTimeOffset time);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Appended to the SELECT that reads a subject's row before a write, to lock it where the database needs that.</summary>
    public abstract string LockRow { get; }

    public abstract bool IsUniqueViolation(DbException e);

    /// <summary>Called inside each write transaction and before each read: picks up commits made by other processes.</summary>
    public virtual Task SyncAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called last inside a write transaction that changed subjects; what it returns is handed to <see cref="CommittedAsync"/>.</summary>
    public virtual Task<object?> BeforeCommitAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) => Task.FromResult<object?>(null);

    /// <summary>Called after a commit (still holding the lease) with the subjects whose rows it changed.</summary>
    public virtual Task CommittedAsync(DbConnection connection, IReadOnlyCollection<long> subjects, object? state, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Called after a committed erasure (still holding the lease): removes the copies of deleted rows the database keeps
    /// outside its live pages where it can (SQLite: checkpoints and truncates the WAL; secure_delete zeroes the pages).
    /// </summary>
    public virtual Task ErasedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once at a clean close (holding a lease), before <see cref="DisposeAsync"/>.</summary>
    public virtual Task CloseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task<int> CountFacesAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The n faces nearest the probe, best first.</summary>
    public abstract Task<IReadOnlyList<FaceHit>> NearestFacesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancellationToken);

    /// <summary>The n subject templates nearest the probe, best first.</summary>
    public abstract Task<IReadOnlyList<TemplateHit>> NearestTemplatesAsync(DbConnection connection, float[] probe, int n, CancellationToken cancellationToken);

    /// <summary>For each subject with faces: its name, its most similar face and the similarity of its template.</summary>
    public abstract Task<IReadOnlyList<SubjectMatch>> ScoreAsync(DbConnection connection, float[] probe, IReadOnlyCollection<long> subjects, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>A connection lent for one operation.</summary>
    internal sealed class Lease(DbConnection connection, Func<ValueTask> release) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;

        public ValueTask DisposeAsync() => release();
    }
}
