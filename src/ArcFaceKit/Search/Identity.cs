namespace ArcFaceKit.Search;

/// <summary>An enrolled person: name, number of enrolled faces, when first enrolled.</summary>
public sealed record Identity(long Id, string Name, int FaceCount, DateTimeOffset Created);
