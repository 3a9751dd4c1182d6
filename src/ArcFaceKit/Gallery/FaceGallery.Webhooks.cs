using System.Data.Common;
using System.Globalization;
using System.Text;

namespace ArcFaceKit.Gallery;

/// <summary>
/// The webhooks a server posts camera events to (<see cref="IWebhookStore"/>). A webhook's secret is sealed for the
/// webhook's id as a camera's source is for the camera's (PostgreSQL: a key of its own, ids from the subjects' sequence;
/// SQLite: plain in the 0600 file, overwritten on deletion). Deleting a webhook destroys its key before the commit.
/// </summary>
internal sealed partial class FaceGallery : IWebhookStore
{
    public Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(CancellationToken cancellationToken = default) =>
        ReadAsync((db, c) => WebhooksAsync(db, null, null, c), cancellationToken);

    public async Task<StoredWebhook> AddWebhookAsync(StoredWebhook webhook, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return await WriteAsync(async (db, tx, c) =>
        {
            long id = await GalleryDb.ScalarAsync<long>(db, tx, c,
                "INSERT INTO webhooks(key_id, url, filter, secret, created_utc) VALUES (@k, @u, @f, @e, @t) RETURNING id",
                ("k", webhook.KeyId), ("u", webhook.Url), ("f", webhook.Filter), ("e", Array.Empty<byte>()), ("t", _dialect.TimeValue(webhook.CreatedUtc))).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE webhooks SET secret = @e WHERE id = @i", ("e", _sealing.Seal(id, Encoding.UTF8.GetBytes(webhook.Secret))), ("i", id)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "webhook.create", null, null, Detail(id), c).ConfigureAwait(false);
            return (webhook with { Id = id }, (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteWebhookAsync(long id, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        if ((await WebhooksAsync(db, tx, id, c).ConfigureAwait(false)).Count == 0)
        {
            return (false, (IReadOnlyCollection<FaceOwner>)[]);
        }

        await _sealing.ForgetAsync(id).ConfigureAwait(false);
        await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM webhooks WHERE id = @i", ("i", id)).ConfigureAwait(false);
        await AuditAsync(db, tx, actor, "webhook.delete", null, null, Detail(id), c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<FaceOwner>)[]);
    }, cancellationToken, erases: true);

    /// <summary>The audit names the webhook by id only: its URL may carry a token of the receiver's.</summary>
    private static string Detail(long id) => "webhook " + id.ToString(CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<StoredWebhook>> WebhooksAsync(DbConnection db, DbTransaction? tx, long? id, CancellationToken cancellationToken)
    {
        const string Select = "SELECT id, key_id, url, filter, secret, created_utc FROM webhooks";
        await using var cmd = id is null ? GalleryDb.Command(db, tx, Select + " ORDER BY id") : GalleryDb.Command(db, tx, Select + " WHERE id = @i", ("i", id.Value));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredWebhook>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long found = reader.GetInt64(0);
            string secret = Encoding.UTF8.GetString(_sealing.Open(found, (byte[])reader.GetValue(4)));
            list.Add(new StoredWebhook(found, reader.GetString(1), reader.GetString(2), reader.GetString(3), secret, _dialect.ReadTime(reader, 5)));
        }

        return list;
    }
}
