namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// A webhook as the API answers it to the key that registered it: its id, target, filter and time; the signing secret
/// only in the answer to its registration, never again.
/// </summary>
public sealed record WebhookJson(long Id, string Url, WebhookFilterJson Filter, DateTimeOffset CreatedUtc, string? Secret = null);
