using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>A point in a gallery's history that an index in memory (or an index file, by its stamp) is up to date at.</summary>
internal abstract record FeedPosition
{
    /// <summary>What the index file records of the position, read back by <see cref="ChangeFeed.Parse"/>.</summary>
    public abstract string Stamp { get; }
}

/// <summary>Where the database stands now, and the subjects and groups changed since the position asked about: null when the feed cannot say.</summary>
internal readonly record struct FeedRead(FeedPosition Now, IReadOnlyCollection<FaceOwner>? Changed);

/// <summary>
/// How commits that change subjects or groups are ordered and recorded (gallery_changes: owner ids only), so that every
/// process's index can follow them: a dialect picks one (<see cref="VersionFeed"/>: one writer at a time, SQLite;
/// PostgreSQL's feed lets writers of different subjects commit in parallel). <see cref="GalleryIndex"/> holds the rules
/// both serve: applying a change reloads that owner from the database, so applying one twice does no harm.
/// </summary>
internal abstract class ChangeFeed
{
    /// <summary>Commits (changes, on PostgreSQL) the feed keeps: a process further behind than this loads everything again.</summary>
    protected const long FeedLength = 100_000;

    /// <summary>
    /// Where the database stands and what changed after <paramref name="from"/>; Changed is null when it cannot be
    /// told (no position held, a gap in the feed, another history): the caller loads everything at Now, which is read
    /// before anything it loads, so a commit it misses comes after Now.
    /// </summary>
    public abstract Task<FeedRead> ReadAsync(DbConnection connection, DbTransaction? tx, FeedPosition? from, CancellationToken cancellationToken);

    /// <summary>
    /// Last inside a write transaction that changed <paramref name="owners"/>: orders the commit and records it in the
    /// feed, holding the lock that <see cref="LockForSaveAsync"/> waits for until the commit. Returns what <see cref="Committed"/> takes.
    /// </summary>
    public abstract Task<object> RecordAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken);

    /// <summary>The position after this process's own commit (its owners reloaded), or null when it cannot move past it without the feed.</summary>
    public abstract FeedPosition? Committed(FeedPosition seen, object recorded);

    /// <summary>Inside the transaction that writes the index file: waits for every writer between <see cref="RecordAsync"/> and its commit, and keeps new ones out.</summary>
    public abstract Task LockForSaveAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken);

    /// <summary>The position an index file's stamp records; null for a stamp of another feed or format (the file is ignored).</summary>
    public abstract FeedPosition? Parse(string stamp);

    /// <summary>A random number for each commit (and each database): positions of two histories do not match by chance.</summary>
    protected static long Nonce() => BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(sizeof(long)));
}
