namespace ArcFaceKit.Server.Webhooks;

/// <summary>A webhook as a client registers it: where events are posted, and which (all of them when no filter is given).</summary>
public sealed record WebhookRequest(string? Url = null, WebhookFilterJson? Filter = null);
