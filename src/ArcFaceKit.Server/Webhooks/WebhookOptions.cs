using ArcFaceKit.Server.Security;

namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// Where webhooks may post and how deliveries are retried (configuration section ArcFace:Webhooks; serve
/// --webhook-hosts). No host is allowed by default, so webhooks are refused until the operator names their targets.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// The targets allowed: host names (exact, and their addresses must then be public ones), addresses (127.0.0.1) and
    /// CIDR ranges (10.1.0.0/16, fd00::/8); an address outside these is never called, whatever name led to it.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>Attempts per event, the first included.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the second attempt; each further one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take, connecting and answering.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most webhooks one API key may register.</summary>
    public int MaxPerKey { get; set; } = 10;

    /// <summary>Entries of the delivery log kept per webhook, in memory (the oldest go first).</summary>
    public int DeliveryLog { get; set; } = 100;

    public void Validate()
    {
        if (MaxAttempts < 1 || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || Timeout <= TimeSpan.Zero || MaxPerKey < 0 || DeliveryLog < 1)
        {
            throw new ArgumentException("Webhooks: MaxAttempts and DeliveryLog must be at least 1, MaxPerKey not negative, the delays and the timeout positive (MaxRetryDelay at least RetryDelay).");
        }

        HostAllowList.Parse(AllowedHosts, OutboundPurpose.Webhooks);
    }
}
