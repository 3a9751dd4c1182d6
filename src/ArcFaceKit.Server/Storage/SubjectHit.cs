namespace ArcFaceKit.Server.Storage;

/// <summary>A subject found by a search: its most similar face and that face's cosine similarity to the probe.</summary>
public sealed record SubjectHit(string Subject, long FaceId, float Similarity);
