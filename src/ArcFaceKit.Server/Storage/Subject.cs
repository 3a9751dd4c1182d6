namespace ArcFaceKit.Server.Storage;

/// <summary>A person in the gallery: a unique name and the faces enrolled for it.</summary>
public sealed record Subject(string Name, int FaceCount, DateTimeOffset CreatedUtc);
