namespace ArcFaceKit.Server.Storage;

/// <summary>One enrolled face of a subject (its embedding and aligned crop stay in the store).</summary>
public sealed record StoredFace(long Id, string Subject, DateTimeOffset CreatedUtc);
