namespace ArcFaceKit.Server.Webhooks;

/// <summary>
/// One entry of a webhook's delivery log: the event (its id and kind), the attempt (from 1; 0 for an event not sent:
/// dropped because the webhook's line was full, its key revoked, or the key not looked up because the store failed),
/// when it started, the HTTP status answered or the error, and when the next attempt is due (none after a success or
/// the last attempt).
/// </summary>
public sealed record WebhookDeliveryJson(string EventId, string Kind, int Attempt, DateTimeOffset TimeUtc, int? Status, string? Error, DateTimeOffset? NextAttemptUtc);
