namespace ArcFaceKit.Gallery;

/// <summary>
/// The webhooks a server posts camera events to, kept in the gallery's database (table webhooks, schema 6) so that they
/// survive a restart. Each write is one transaction with its audit entry; a webhook's secret is sealed under a key of
/// its own where the store seals (PostgreSQL), and deleting the webhook destroys that key, as deleting a camera does.
/// </summary>
internal interface IWebhookStore
{
    Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new webhook; the answer carries the id the store gave it.</summary>
    Task<StoredWebhook> AddWebhookAsync(StoredWebhook webhook, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes the webhook and what its secret was sealed with; false when there is none.</summary>
    Task<bool> DeleteWebhookAsync(long id, string actor, CancellationToken cancellationToken = default);
}
