namespace ArcFaceKit.Gallery;

/// <summary>A camera event's best-face crop to keep: the event's id, its camera, the subject it named (null for visitors and unnamed tracks), when, and the PNG.</summary>
internal sealed record NewSnapshot(string Id, string Camera, string? Subject, DateTimeOffset CreatedUtc, byte[] Png);
