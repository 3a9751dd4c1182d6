using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Snapshots of camera events (<see cref="ISnapshotStore"/>), each sealed for its owner: the subject it names, the group
/// a visitor's face was kept in, or its camera (<see cref="SnapshotOwner"/>). They follow their owner's faces: erased with
/// a subject or group (<see cref="DeleteOwnerAsync"/>), re-sealed when its key is renewed or its faces move
/// (<see cref="SealAgainAsync"/>). Not audited one by one: they come and go with events, and erasing them is audited
/// with their owner.
/// </summary>
internal sealed partial class FaceGallery : ISnapshotStore
{
    /// <summary>The id a snapshot row is sealed for.</summary>
    private const string SnapshotOwner = "COALESCE(subject_id, group_id, camera_id)";

    /// <summary>Snapshots taken before @t, or no newer than the one @k places after the newest (so at most @k are kept).</summary>
    /// <summary>Snapshots kept under their camera's key (neither a subject's nor a group's).</summary>
    private const string CameraOwns = "camera_id = @s AND subject_id IS NULL AND group_id IS NULL";

    private const string Expired = "created_utc < @t OR created_utc <= (SELECT created_utc FROM snapshots ORDER BY created_utc DESC LIMIT 1 OFFSET @k)";

    public async Task<bool> AddSnapshotAsync(NewSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return await WriteAsync(async (db, tx, c) =>
        {
            // Both rows locked, so a concurrent erasure of either either finds this snapshot or makes it be refused.
            if (await CameraIdAsync(db, tx, snapshot.Camera, c).ConfigureAwait(false) is not { } camera)
            {
                return (false, (IReadOnlyCollection<FaceOwner>)[]);
            }

            long? subject = null;
            if (snapshot.Subject is { } name && (subject = await SubjectIdAsync(db, tx, SubjectNames.Lookup(name), true, c).ConfigureAwait(false)) is null)
            {
                return (false, (IReadOnlyCollection<FaceOwner>)[]);
            }

            await GalleryDb.ExecuteAsync(db, tx, c, "INSERT INTO snapshots(id, camera_id, subject_id, created_utc, image) VALUES (@i, @c, @s, @t, @p)",
                ("i", snapshot.Id), ("c", camera), ("s", subject), ("t", _dialect.TimeValue(snapshot.CreatedUtc)), ("p", _sealing.Seal(subject ?? camera, snapshot.Png))).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> AttachSnapshotsAsync(string camera, IReadOnlyCollection<string> ids, long group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        return await WriteAsync(async (db, tx, c) =>
        {
            if (await CameraIdAsync(db, tx, camera, c).ConfigureAwait(false) is not { } cameraId || !await GroupExistsAsync(db, tx, group, c).ConfigureAwait(false))
            {
                return (0, (IReadOnlyCollection<FaceOwner>)[]);
            }

            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            int moved = await SealSnapshotsAgainAsync(db, tx, CameraOwns, cameraId, FaceOwner.Group(group), s => wanted.Contains(s), c).ConfigureAwait(false);
            return (moved, (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<byte[]?> FindSnapshotAsync(string camera, string id, DateTimeOffset notBefore, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        await using var cmd = GalleryDb.Command(db, null, $"SELECT {SnapshotOwner}, s.image FROM snapshots s JOIN cameras m ON m.id = s.camera_id WHERE s.id = @i AND m.name = @n AND s.created_utc >= @t",
            ("i", id), ("n", camera), ("t", _dialect.TimeValue(notBefore)));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        return await reader.ReadAsync(c).ConfigureAwait(false) ? OpenCrop(reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }, cancellationToken);

    public async Task<int> TrimSnapshotsAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken = default)
    {
        // Looked at first, so a minute with nothing to trim costs no write (nor SQLite's WAL truncation after one).
        long expired = await ReadAsync((db, c) => GalleryDb.ScalarAsync<long>(db, null, c,
            "SELECT COUNT(*) FROM snapshots WHERE " + Expired,
            ("t", _dialect.TimeValue(before)), ("k", keep)), cancellationToken).ConfigureAwait(false);
        return expired == 0 ? 0 : await TrimAsync(before, keep, cancellationToken).ConfigureAwait(false);
    }

    private Task<int> TrimAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken) => WriteAsync(async (db, tx, c) =>
        (await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM snapshots WHERE " + Expired, ("t", _dialect.TimeValue(before)), ("k", keep)).ConfigureAwait(false),
            (IReadOnlyCollection<FaceOwner>)[]), cancellationToken, erases: true);

    /// <summary>A camera's id, its row locked for the write; null when there is none of that name.</summary>
    private async Task<long?> CameraIdAsync(DbConnection db, DbTransaction tx, string name, CancellationToken c) =>
        await GalleryDb.ScalarAsync<long?>(db, tx, c, "SELECT id FROM cameras WHERE name = @n" + _dialect.LockRow, ("n", name)).ConfigureAwait(false);

    /// <summary>
    /// Seals snapshots again inside the write transaction: those <paramref name="condition"/> selects (sealed for
    /// <paramref name="from"/>, bound as @s) and <paramref name="include"/> keeps by id, for the owner they then belong
    /// to: the same one under its newest key, or the subject or group they move to (a camera stays their camera).
    /// Returns how many.
    /// </summary>
    private async Task<int> SealSnapshotsAgainAsync(DbConnection db, DbTransaction tx, string condition, long from, FaceOwner? to, Func<string, bool>? include, CancellationToken c)
    {
        var snapshots = new List<(string Id, byte[] Image)>();
        await using (var cmd = GalleryDb.Command(db, tx, $"SELECT id, image FROM snapshots WHERE {condition}", ("s", from)))
        await using (var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(c).ConfigureAwait(false))
            {
                if (include?.Invoke(reader.GetString(0)) ?? true)
                {
                    snapshots.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
                }
            }
        }

        long key = to?.Id ?? from;
        string owner = to is { } o ? (o.IsGroup ? "subject_id = NULL, group_id = @o, " : "subject_id = @o, group_id = NULL, ") : "";
        foreach (var (id, image) in snapshots)
        {
            (string, object?)[] values = [("p", _sealing.Seal(key, _sealing.Open(from, image))), ("i", id), .. to is null ? [] : new (string, object?)[] { ("o", key) }];
            await GalleryDb.ExecuteAsync(db, tx, c, $"UPDATE snapshots SET {owner}image = @p WHERE id = @i", values).ConfigureAwait(false);
        }

        return snapshots.Count;
    }
}
