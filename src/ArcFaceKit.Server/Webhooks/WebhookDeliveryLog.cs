namespace ArcFaceKit.Server.Webhooks;

/// <summary>A webhook's last deliveries, in memory, at most <see cref="WebhookOptions.DeliveryLog"/> (the oldest go first).</summary>
internal sealed class WebhookDeliveryLog(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<WebhookDeliveryJson> _entries = new();

    public void Add(WebhookDeliveryJson entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    /// <summary>The entries kept, oldest first.</summary>
    public IReadOnlyList<WebhookDeliveryJson> Entries()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }
}
