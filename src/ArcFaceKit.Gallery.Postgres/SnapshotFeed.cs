using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>
/// PostgreSQL's change feed, for writers in parallel: a writer takes the version row FOR SHARE (so writers of different
/// subjects never wait for each other; the subject's own row lock still orders writes of one subject) and records each
/// owner it changed with its transaction id and a random nonce. Nothing orders the commits; a reader does not need it to:
/// its position is the xmin of a snapshot (every transaction below it had ended, so a commit the reader has not seen has a
/// transaction id at or above it, even one that commits after a later id) with the commits at or above it it has
/// applied, and it applies every commit at or above its position that it has not (applying one again would be harmless:
/// it reloads that owner). The version row's nonce names the database; a position from another history is refused when
/// its xmin is ahead of the database's, when a commit it holds is missing or has another nonce, or when the feed was
/// trimmed past it (the bound is in meta, as <c>feed_trimmed_below</c>). The index file's save takes the row FOR UPDATE,
/// which waits for every writer holding it. docs/architecture.md gives the reasoning.
/// </summary>
internal sealed class SnapshotFeed : ChangeFeed
{
    private const string TrimKey = "feed_trimmed_below";

    // The feed is trimmed to FeedLength rows once in this many (so it keeps about that many changes).
    private const long TrimEvery = 1_000;

    /// <summary>
    /// One statement, so one snapshot: its xmin (taken no later than the rows read, so safe as the next position), the
    /// database's nonce, the trim bound as of those rows, and the changes at or past the position (@p), or past xmin
    /// when none is held. The position is a parameter of its own, so the planner sees its value and reads the feed's
    /// tail through the index.
    /// </summary>
    private const string Read = """
        SELECT s.xmin, s.nonce, s.trimmed, c.xid, c.nonce, c.owner, c.is_group
        FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, v.nonce,
                     (SELECT value::bigint FROM meta WHERE key = 'feed_trimmed_below') AS trimmed
              FROM gallery_version v WHERE v.id = 1) s
        LEFT JOIN gallery_changes c ON c.xid >= {0}
        """;

    /// <summary>The tables this feed needs (schema 8), created or migrated inside the opening transaction.</summary>
    public static async Task CreateOrMigrateAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        // Earlier schemas ordered commits by the version row's counter: those rows mean nothing here, and a node of an
        // earlier version that still writes them fails loudly instead of committing changes no other node would hear of.
        if (await GalleryDb.ScalarAsync<long>(connection, tx, cancellationToken,
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'gallery_changes' AND column_name = 'v'").ConfigureAwait(false) > 0)
        {
            await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "DROP TABLE gallery_changes").ConfigureAwait(false);
        }

        await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, $"""
            CREATE TABLE IF NOT EXISTS gallery_changes(seq bigserial PRIMARY KEY, xid bigint NOT NULL, nonce bigint NOT NULL, owner bigint NOT NULL, is_group int NOT NULL);
            CREATE INDEX IF NOT EXISTS gallery_changes_xid ON gallery_changes(xid);
            INSERT INTO meta(key, value) VALUES ('{TrimKey}', '0') ON CONFLICT (key) DO NOTHING;
            """).ConfigureAwait(false);
    }

    public override async Task<FeedRead> ReadAsync(DbConnection connection, DbTransaction? tx, FeedPosition? from, CancellationToken cancellationToken)
    {
        var seen = from as Snapshot;
        var rows = new List<(long Xid, long Nonce, FaceOwner Owner)>();
        long xmin = 0, nonce = 0, trimmed = 0;
        bool versioned = false;
        await using (var cmd = seen is null
            ? GalleryDb.Command(connection, tx, string.Format(CultureInfo.InvariantCulture, Read, "s.xmin"))
            : GalleryDb.Command(connection, tx, string.Format(CultureInfo.InvariantCulture, Read, "@p"), ("p", seen.Xmin)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (xmin, nonce, trimmed, versioned) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), true);
                if (!reader.IsDBNull(3))
                {
                    rows.Add((reader.GetInt64(3), reader.GetInt64(4), new FaceOwner(reader.GetInt32(6) != 0, reader.GetInt64(5))));
                }
            }
        }

        if (!versioned)
        {
            throw new InvalidOperationException("The gallery has no version row.");
        }

        var now = new Snapshot(nonce, xmin, rows.Where(r => r.Xid >= xmin).GroupBy(r => r.Xid).ToImmutableSortedDictionary(g => g.Key, g => g.First().Nonce));
        if (seen is null || seen.Nonce != nonce || seen.Xmin > xmin || seen.Xmin < trimmed)
        {
            return new FeedRead(now, null);   // none held, another database, a history that went back, or trimmed past it
        }

        var found = rows.GroupBy(r => r.Xid).ToDictionary(g => g.Key, g => g.First().Nonce);
        if (seen.Applied.Any(a => !found.TryGetValue(a.Key, out long n) || n != a.Value))
        {
            return new FeedRead(now, null);   // a commit it applied is not in this history
        }

        return new FeedRead(now, rows.Where(r => !seen.Applied.ContainsKey(r.Xid)).Select(r => r.Owner).ToHashSet());
    }

    public override async Task<object> RecordAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<FaceOwner> owners, CancellationToken cancellationToken)
    {
        long nonce = Nonce();
        long xid = await GalleryDb.ScalarAsync<long>(connection, tx, cancellationToken,
            "SELECT pg_current_xact_id()::text::bigint FROM gallery_version WHERE id = 1 FOR SHARE").ConfigureAwait(false);
        foreach (var owner in owners)
        {
            long seq = await GalleryDb.ScalarAsync<long>(connection, tx, cancellationToken,
                "INSERT INTO gallery_changes(xid, nonce, owner, is_group) VALUES (@x, @n, @o, @g) RETURNING seq",
                ("x", xid), ("n", nonce), ("o", owner.Id), ("g", owner.IsGroup ? 1 : 0)).ConfigureAwait(false);
            if (seq % TrimEvery == 0 && seq > FeedLength)
            {
                await TrimAsync(connection, tx, seq - FeedLength, cancellationToken).ConfigureAwait(false);
            }
        }

        return new Recorded(xid, nonce);
    }

    /// <summary>Ours is applied (its owners were reloaded after the commit); other commits since are still to be read.</summary>
    public override FeedPosition? Committed(FeedPosition seen, object recorded) =>
        recorded is Recorded ours && seen is Snapshot position && ours.Xid >= position.Xmin
            ? position with { Applied = position.Applied.SetItem(ours.Xid, ours.Nonce) }
            : null;

    /// <summary>FOR UPDATE waits for every writer holding the row FOR SHARE (from its record to its commit) and keeps new ones out.</summary>
    public override Task LockForSaveAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) =>
        GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "SELECT 1 FROM gallery_version WHERE id = 1 FOR UPDATE");

    public override FeedPosition? Parse(string stamp) => Snapshot.Parse(stamp);

    /// <summary>
    /// Drops the changes below the transaction id of the one at <paramref name="keepFrom"/> (FeedLength rows back), raising the bound in the same
    /// transaction: a reader that sees rows gone sees the bound too (its read is one snapshot), and rebuilds when its
    /// position is below it. Only trimmers wait on the bound's row.
    /// </summary>
    private static async Task TrimAsync(DbConnection connection, DbTransaction tx, long keepFrom, CancellationToken cancellationToken)
    {
        long? below = await GalleryDb.ScalarAsync<long?>(connection, tx, cancellationToken,
            "SELECT xid FROM gallery_changes WHERE seq <= @s ORDER BY seq DESC LIMIT 1", ("s", keepFrom)).ConfigureAwait(false);
        if (below is { } bound)
        {
            await GalleryDb.ExecuteAsync(connection, tx, cancellationToken,
                $"UPDATE meta SET value = GREATEST(value::bigint, @b)::text WHERE key = '{TrimKey}'", ("b", bound)).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(connection, tx, cancellationToken, "DELETE FROM gallery_changes WHERE xid < @b", ("b", bound)).ConfigureAwait(false);
        }
    }

    private sealed record Recorded(long Xid, long Nonce);

    /// <summary>A snapshot's xmin in the database of this nonce, with the commits at or above it already applied (transaction id → nonce).</summary>
    private sealed record Snapshot(long Nonce, long Xmin, ImmutableSortedDictionary<long, long> Applied) : FeedPosition
    {
        public override string Stamp =>
            string.Create(CultureInfo.InvariantCulture, $"pg:{Nonce}:{Xmin}:{string.Join(',', Applied.Select(a => FormattableString.Invariant($"{a.Key}={a.Value}")))}");

        public static Snapshot? Parse(string stamp)
        {
            if (stamp.Split(':') is not ["pg", var n, var x, var a] || !long.TryParse(n, CultureInfo.InvariantCulture, out long nonce) || !long.TryParse(x, CultureInfo.InvariantCulture, out long xmin))
            {
                return null;
            }

            var applied = ImmutableSortedDictionary.CreateBuilder<long, long>();
            foreach (string pair in a.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (pair.Split('=') is not [var k, var v] || !long.TryParse(k, CultureInfo.InvariantCulture, out long xid) || !long.TryParse(v, CultureInfo.InvariantCulture, out long commit))
                {
                    return null;
                }

                applied[xid] = commit;
            }

            return new Snapshot(nonce, xmin, applied.ToImmutable());
        }
    }
}
