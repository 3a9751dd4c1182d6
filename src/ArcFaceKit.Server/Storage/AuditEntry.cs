namespace ArcFaceKit.Server.Storage;

/// <summary>One write as the audit log keeps it: who (API key id), when, what, on which subject.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset TimeUtc, string KeyId, string Action, string? Subject, string? Detail);
