using System.Data.Common;
using System.Text;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The cameras a server watches (<see cref="ICameraStore"/>). A camera's source is sealed for the camera's id the way a
/// subject's faces are for the subject's (PostgreSQL: AES-256-GCM under a key of its own in the key file; ids drawn from
/// the subjects' sequence, so no camera shares a key with a subject or group; SQLite: plain in the 0600 file, overwritten
/// on deletion by secure_delete and the WAL truncation). Deleting a camera destroys its key before the commit, and deletes its snapshots (FaceGallery.Snapshots.cs).
/// </summary>
internal sealed partial class FaceGallery : ICameraStore
{
    private const string SelectCamera = "SELECT id, name, source, settings, created_utc, updated_utc FROM cameras";

    public Task<IReadOnlyList<StoredCamera>> ListCamerasAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StoredCamera>>(async (db, c) => [.. (await CamerasAsync(db, null, null, c).ConfigureAwait(false)).Select(x => x.Camera)], cancellationToken);

    public async Task<StoredCamera?> FindCameraAsync(string name, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => CamerasAsync(db, null, name, c), cancellationToken).ConfigureAwait(false)).SingleOrDefault().Camera;

    public async Task AddCameraAsync(StoredCamera camera, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(camera);
        try
        {
            await WriteAsync(async (db, tx, c) =>
            {
                if ((await CamerasAsync(db, tx, camera.Name, c).ConfigureAwait(false)).Count > 0)
                {
                    throw CameraTaken(camera.Name);
                }

                long id = await GalleryDb.ScalarAsync<long>(db, tx, c,
                    "INSERT INTO cameras(name, source, settings, created_utc, updated_utc) VALUES (@n, @e, @s, @t, @u) RETURNING id",
                    ("n", camera.Name), ("e", Array.Empty<byte>()), ("s", camera.Settings), ("t", _dialect.TimeValue(camera.CreatedUtc)), ("u", _dialect.TimeValue(camera.UpdatedUtc))).ConfigureAwait(false);
                await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE cameras SET source = @e WHERE id = @i", ("e", _sealing.Seal(id, Encoding.UTF8.GetBytes(camera.Source))), ("i", id)).ConfigureAwait(false);
                await AuditAsync(db, tx, actor, "camera.create", null, null, camera.Name, c).ConfigureAwait(false);
                return (true, (IReadOnlyCollection<FaceOwner>)[]);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (_dialect.IsUniqueViolation(e))
        {
            throw CameraTaken(camera.Name);
        }
    }

    public async Task<bool> UpdateCameraAsync(StoredCamera camera, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(camera);
        long? renewed = null;
        bool updated = await WriteAsync(async (db, tx, c) =>
        {
            var found = await CamerasAsync(db, tx, camera.Name, c).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return (false, (IReadOnlyCollection<FaceOwner>)[]);
            }

            // A new key for the new source; the old one is destroyed once this commits, so the old URL's credentials cannot be opened.
            long id = found[0].Id;
            renewed = await _sealing.RenewAsync(id).ConfigureAwait(false) ? id : null;
            if (renewed is not null)
            {
                await SealSnapshotsAgainAsync(db, tx, CameraOwns, id, null, null, c).ConfigureAwait(false);
            }

            await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE cameras SET source = @e, settings = @s, updated_utc = @u WHERE id = @i",
                ("e", _sealing.Seal(id, Encoding.UTF8.GetBytes(camera.Source))), ("s", camera.Settings), ("u", _dialect.TimeValue(camera.UpdatedUtc)), ("i", id)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "camera.update", null, null, camera.Name, c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken, erases: true).ConfigureAwait(false);
        if (renewed is { } owner)
        {
            await _sealing.ForgetOlderAsync(owner).ConfigureAwait(false);
        }

        return updated;
    }

    public Task<bool> DeleteCameraAsync(string name, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        var found = await CamerasAsync(db, tx, name, c).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return (false, (IReadOnlyCollection<FaceOwner>)[]);
        }

        await _sealing.ForgetAsync(found[0].Id).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM snapshots WHERE camera_id = @i", ("i", found[0].Id)).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM cameras WHERE id = @i", ("i", found[0].Id)).ConfigureAwait(false);
        await AuditAsync(db, tx, actor, "camera.delete", null, null, name, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<FaceOwner>)[]);
    }, cancellationToken, erases: true);

    private static GalleryException CameraTaken(string name) => new(GalleryError.Conflict, $"Camera '{name}' already exists; change it with PUT, or choose another name.");

    private async Task<IReadOnlyList<(long Id, StoredCamera Camera)>> CamerasAsync(DbConnection db, DbTransaction? tx, string? name, CancellationToken cancellationToken)
    {
        await using var cmd = name is null ? GalleryDb.Command(db, tx, SelectCamera + " ORDER BY name") : GalleryDb.Command(db, tx, SelectCamera + " WHERE name = @n", ("n", name));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<(long, StoredCamera)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long id = reader.GetInt64(0);
            string source = Encoding.UTF8.GetString(_sealing.Open(id, (byte[])reader.GetValue(2)));
            list.Add((id, new StoredCamera(reader.GetString(1), source, reader.GetString(3), _dialect.ReadTime(reader, 4), _dialect.ReadTime(reader, 5))));
        }

        return list;
    }
}
