namespace ArcFaceKit.Gallery;

/// <summary>A person in the gallery: a unique name and the faces enrolled for it.</summary>
public sealed record Subject(string Name, int FaceCount, DateTimeOffset CreatedUtc);

/// <summary>One enrolled face of a subject (its embedding and aligned crop stay in the gallery).</summary>
public sealed record StoredFace(long Id, string Subject, DateTimeOffset CreatedUtc, string? Source);

/// <summary>
/// Faces added by one write, and whether they were added by an earlier request with the same key (a retry: nothing was
/// added this time; the faces of that request still in the gallery are returned).
/// </summary>
public sealed record AddedFaces(IReadOnlyList<StoredFace> Faces, bool Replayed);

/// <summary>
/// A subject proposed by a 1:N search: <see cref="Similarity"/> is the score the search ranked by (see
/// <see cref="SubjectScoring"/>); beside it the subject's most similar face and the similarity of its mean template.
/// </summary>
public sealed record SubjectMatch(string Subject, float Similarity, long FaceId, float FaceSimilarity, float TemplateSimilarity);

/// <summary>One write as the audit log keeps it: who (an API key id, or "cli"), when, what, on which subject.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset TimeUtc, string Actor, string Action, string? Subject, string? Detail);

/// <summary>An API key as stored: never the secret, only its SHA-256; scopes as the server's flags.</summary>
internal sealed record StoredKey(string Id, string Name, int Scopes, string SecretHash, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc)
{
    public bool IsActive => RevokedUtc is null;
}
