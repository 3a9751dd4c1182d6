namespace ArcFaceKit.Search;

/// <summary>A 1:N answer: the identity, its template's cosine similarity to the probe, and whether it passes the threshold.</summary>
public sealed record IdentityMatch(string Name, float Similarity, bool Accepted);
