using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The change feed of a database with one writer at a time (SQLite: one file, one write lock): every commit that changes
/// subjects or groups bumps the version row (v + 1, a new random nonce) in its transaction, so versions follow commit
/// order and a position is one version; the feed's rows carry the version and nonce of their commit, and the nonce
/// tells two histories at the same count apart (a restored copy, another file).
/// </summary>
internal sealed class VersionFeed : ChangeFeed
{
    private const string ReadVersion = "SELECT v, nonce FROM gallery_version WHERE id = 1";

    public override async Task<FeedRead> ReadAsync(DbConnection connection, DbTransaction? tx, FeedPosition? from, CancellationToken cancellationToken)
    {
        var now = await ReadVersionAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        return new FeedRead(now, from switch
        {
            Version seen when seen == now => [],
            Version seen => await ChangesAsync(connection, tx, seen, now, cancellationToken).ConfigureAwait(false),
            _ => null,
        });
    }

    public override async Task<object> RecordAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken)
    {
        long nonce = Nonce();
        long number = await GalleryDb.ScalarAsync<long>(connection, tx, cancellationToken, "UPDATE gallery_version SET v = v + 1, nonce = @n WHERE id = 1 RETURNING v", ("n", nonce)).ConfigureAwait(false);

        // Which subjects and groups this commit changed (ids only: nothing of a face outlives its erasure here), in
        // the same transaction; the commit that falls off the end goes.
        foreach (var owner in owners)
        {
            await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "INSERT INTO gallery_changes(v, nonce, owner, is_group) VALUES (@v, @n, @o, @g)",
                ("v", number), ("n", nonce), ("o", owner.Id), ("g", owner.IsGroup ? 1 : 0)).ConfigureAwait(false);
        }

        await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "DELETE FROM gallery_changes WHERE v <= @t", ("t", number - FeedLength)).ConfigureAwait(false);
        return new Version(number, nonce);
    }

    /// <summary>Our own commit needs no reload when nobody committed between the version we had seen and ours.</summary>
    public override FeedPosition? Committed(FeedPosition seen, object recorded) =>
        recorded is Version ours && seen is Version before && ours.Number == before.Number + 1 ? ours : null;

    /// <summary>The version row's lock: every writer takes it with its bump, so it waits for them all.</summary>
    public override Task LockForSaveAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) =>
        GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "UPDATE gallery_version SET v = v WHERE id = 1");

    public override FeedPosition? Parse(string stamp) =>
        stamp.Split(':') is [var n, var r] && long.TryParse(n, CultureInfo.InvariantCulture, out long number) && long.TryParse(r, CultureInfo.InvariantCulture, out long nonce)
            ? new Version(number, nonce)
            : null;

    private static async Task<Version> ReadVersionAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken)
    {
        await using var cmd = GalleryDb.Command(connection, tx, ReadVersion);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Version(reader.GetInt64(0), reader.GetInt64(1))
            : throw new InvalidOperationException("The gallery has no version row.");
    }

    /// <summary>
    /// The subjects and groups changed by the commits after <paramref name="from"/> up to <paramref name="to"/>; null
    /// when the feed cannot say: a commit missing (trimmed, or made by a version of this library without the feed), or
    /// another history (the nonce of either end differs: a database restored from a backup, say).
    /// </summary>
    private static async Task<IReadOnlyCollection<FaceOwner>?> ChangesAsync(DbConnection connection, DbTransaction? tx, Version from, Version to, CancellationToken cancellationToken)
    {
        if (to.Number <= from.Number || to.Number - from.Number > FeedLength)
        {
            return null;
        }

        var owners = new HashSet<FaceOwner>();
        var commits = new HashSet<long>();
        bool fromFound = from.Number == 0;   // an empty index: whatever history follows applies to it
        await using var cmd = GalleryDb.Command(connection, tx, "SELECT v, nonce, owner, is_group FROM gallery_changes WHERE v >= @a AND v <= @b", ("a", from.Number), ("b", to.Number));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long v = reader.GetInt64(0), nonce = reader.GetInt64(1);
            if (v == from.Number)
            {
                if (nonce != from.Nonce)
                {
                    return null;
                }

                fromFound = true;
                continue;
            }

            if (v == to.Number && nonce != to.Nonce)
            {
                return null;
            }

            commits.Add(v);
            owners.Add(new FaceOwner(reader.GetInt64(3) != 0, reader.GetInt64(2)));
        }

        return fromFound && commits.Count == to.Number - from.Number ? owners : null;
    }

    /// <summary>The gallery's version row: bumped by each commit that changes subjects.</summary>
    private sealed record Version(long Number, long Nonce) : FeedPosition
    {
        public override string Stamp => FormattableString.Invariant($"{Number}:{Nonce}");
    }
}
