using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>The audit every write records in its transaction, and the API keys kept beside the gallery.</summary>
internal sealed partial class FaceGallery
{
    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default) => ReadAsync<IReadOnlyList<AuditEntry>>(async (db, c) =>
    {
        await using var cmd = GalleryDb.Command(db, null, "SELECT id, time_utc, key_id, action, subject, detail FROM audit ORDER BY id DESC LIMIT @l", ("l", limit));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        var list = new List<AuditEntry>();
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            list.Add(new AuditEntry(reader.GetInt64(0), _dialect.ReadTime(reader, 1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }, cancellationToken);

    public Task AddKeyAsync(StoredKey key, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(async (db, tx, c) =>
        {
            await GalleryDb.ExecuteAsync(db, tx, c, "INSERT INTO api_keys(id, name, scopes, secret_hash, created_utc) VALUES (@i, @n, @s, @h, @t)",
                ("i", key.Id), ("n", key.Name), ("s", key.Scopes), ("h", key.SecretHash), ("t", _dialect.TimeValue(key.CreatedUtc))).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "key.create", null, null, key.Id, c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken);
    }

    public async Task<StoredKey?> FindKeyAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => KeysAsync(db, id, c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<bool> RevokeKeyAsync(string id, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        if (await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE api_keys SET revoked_utc = @t WHERE id = @i AND revoked_utc IS NULL", ("t", _dialect.TimeValue(DateTimeOffset.UtcNow)), ("i", id)).ConfigureAwait(false) == 0)
        {
            return (false, (IReadOnlyCollection<FaceOwner>)[]);
        }

        await AuditAsync(db, tx, actor, "key.revoke", null, null, id, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<FaceOwner>)[]);
    }, cancellationToken);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => KeysAsync(db, null, c), cancellationToken);

    /// <summary>Records a write in its transaction: who, what, and which subject (by id too, so an erasure can scrub its names).</summary>
    private async Task AuditAsync(DbConnection db, DbTransaction tx, string actor, string action, long? subjectId, string? subject, string? detail, CancellationToken cancellationToken) =>
        await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "INSERT INTO audit(time_utc, key_id, action, subject_id, subject, detail) VALUES (@t, @k, @a, @i, @s, @d)",
            ("t", _dialect.TimeValue(DateTimeOffset.UtcNow)), ("k", actor), ("a", action), ("i", subjectId), ("s", subject), ("d", detail)).ConfigureAwait(false);

    /// <summary>
    /// Audits a subject's erasure: the audit keeps who erased what and when, but not the erased person's name (nor names
    /// it had before a rename), which its earlier entries give up for a pseudonym.
    /// </summary>
    private async Task AuditErasureAsync(DbConnection db, DbTransaction tx, long id, string name, string actor, long faces, CancellationToken c)
    {
        string pseudonym = $"(erased subject #{id.ToString(CultureInfo.InvariantCulture)})";
        await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE audit SET subject = @p, detail = CASE WHEN action = 'subject.rename' THEN NULL ELSE detail END WHERE subject_id = @s OR subject = @n",
            ("p", pseudonym), ("s", id), ("n", name)).ConfigureAwait(false);
        await AuditAsync(db, tx, actor, "subject.delete", id, pseudonym, $"{faces} faces erased", c).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoredKey>> KeysAsync(DbConnection db, string? id, CancellationToken cancellationToken)
    {
        const string Select = "SELECT id, name, scopes, secret_hash, created_utc, revoked_utc FROM api_keys";
        await using var cmd = id is null ? GalleryDb.Command(db, null, Select + " ORDER BY created_utc") : GalleryDb.Command(db, null, Select + " WHERE id = @i", ("i", id));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new StoredKey(reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetString(3),
                _dialect.ReadTime(reader, 4), reader.IsDBNull(5) ? null : _dialect.ReadTime(reader, 5)));
        }

        return list;
    }
}
