using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Gallery;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// The webhooks: kept in the gallery's store (<see cref="IWebhookStore"/>), each delivered by a
/// <see cref="WebhookWorker"/> while the server runs. Started with the server after the gallery opens and before the
/// cameras, so they come back after a restart and miss none of the cameras' first events. Each key sees and removes
/// its own webhooks only (another key's are answered as absent).
/// </summary>
internal sealed class WebhookDispatcher : IHostedService, IAsyncDisposable
{
    private const string SecretPrefix = "whsec_";
    private readonly WorkerSet<long, WebhookWorker> _workers = new();
    private readonly GalleryHost _galleries;
    private readonly OutboundTargets _targets;
    private readonly WebhookServices _services;

    public WebhookDispatcher(GalleryHost galleries, ServerOptions options, CameraEventHub events, TimeProvider clock, ILogger<WebhookDispatcher> log)
    {
        _galleries = galleries;
        _targets = new OutboundTargets(HostAllowList.Parse(options.Webhooks.AllowedHosts, OutboundPurpose.Webhooks));
        _services = new WebhookServices(_targets.CreateClient(), options.Webhooks, events, () => galleries.Gallery, log, clock);
    }

    private IWebhookStore Store => _galleries.Gallery;

    public Task StartAsync(CancellationToken cancellationToken) => _workers.SerialAsync(async () =>
    {
        foreach (var stored in await Store.ListWebhooksAsync(cancellationToken).ConfigureAwait(false))
        {
            _workers.Add(stored.Id, new WebhookWorker(stored, _services));
        }

        return true;
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _workers.StopAllAsync(cancellationToken);

    /// <summary>Stops the workers first, so none is sending when the client goes (a later StopAsync finds none left).</summary>
    public async ValueTask DisposeAsync()
    {
        await _workers.DisposeAsync().ConfigureAwait(false);
        _services.Client.Dispose();
    }

    public async Task<IReadOnlyList<WebhookJson>> ListAsync(string keyId, CancellationToken cancellationToken) =>
        [.. (await OwnAsync(keyId, cancellationToken).ConfigureAwait(false)).Select(w => Describe(w))];

    /// <summary>Registers a webhook for the key, its target allowed by the operator; the answer alone carries its secret.</summary>
    public async Task<WebhookJson> AddAsync(WebhookRequest request, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = await _targets.CheckAsync(request.Url, cancellationToken).ConfigureAwait(false);
        var filter = (request.Filter ?? new WebhookFilterJson()).Checked();
        int max = _services.Options.MaxPerKey;
        return await _workers.SerialAsync(async () =>
        {
            if ((await OwnAsync(keyId, cancellationToken).ConfigureAwait(false)).Count >= max)
            {
                throw new ApiProblem(StatusCodes.Status409Conflict, "Conflict", $"A key may register at most {max} webhooks (ArcFace:Webhooks:MaxPerKey); remove one first.");
            }

            var stored = await Store.AddWebhookAsync(
                new StoredWebhook(0, keyId, target.AbsoluteUri, JsonSerializer.Serialize(filter, JsonShapes.Options), SecretPrefix + Secrets.New(), _services.Clock.GetUtcNow()),
                keyId, cancellationToken).ConfigureAwait(false);
            _workers.Add(stored.Id, new WebhookWorker(stored, _services));
            return Describe(stored, withSecret: true);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(long id, string keyId, CancellationToken cancellationToken) => _workers.SerialAsync(async () =>
    {
        if (!(await OwnAsync(keyId, cancellationToken).ConfigureAwait(false)).Any(w => w.Id == id))
        {
            return false;
        }

        await _workers.RemoveAsync(id).ConfigureAwait(false);
        return await Store.DeleteWebhookAsync(id, keyId, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>The webhook's delivery log (oldest first) while it runs here, for the key that registered it; null otherwise.</summary>
    public IReadOnlyList<WebhookDeliveryJson>? Deliveries(long id, string keyId) =>
        _workers.Find(id) is { } worker && worker.Webhook.KeyId == keyId ? worker.Deliveries.Entries() : null;

    private async Task<List<StoredWebhook>> OwnAsync(string keyId, CancellationToken cancellationToken) =>
        [.. (await Store.ListWebhooksAsync(cancellationToken).ConfigureAwait(false)).Where(w => w.KeyId == keyId)];

    private static WebhookJson Describe(StoredWebhook stored, bool withSecret = false) =>
        new(stored.Id, stored.Url, WebhookWorker.Filter(stored), stored.CreatedUtc, withSecret ? stored.Secret : null);
}
