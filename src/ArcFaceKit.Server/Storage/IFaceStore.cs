namespace ArcFaceKit.Server.Storage;

/// <summary>
/// The gallery behind the API: subjects, their faces (embedding + aligned crop), 1:N search and the audit log.
/// Every write is one transaction that also records its audit entry; a store is pinned to one embedding model.
/// Both implementations pass the same behaviour tests.
/// </summary>
public interface IFaceStore : IDisposable
{
    /// <summary>What backs this store, for health output (no paths or secrets).</summary>
    string Kind { get; }

    int FaceCount { get; }

    IReadOnlyList<Subject> ListSubjects();

    Subject? GetSubject(string name);

    /// <summary>Creates an empty subject; Conflict when the name is taken.</summary>
    Subject CreateSubject(string name, string actor);

    /// <summary>Renames a subject; NotFound or Conflict.</summary>
    Subject RenameSubject(string name, string newName, string actor);

    /// <summary>Erases a subject with every embedding and stored crop. False when there is none of that name.</summary>
    bool DeleteSubject(string name, string actor);

    /// <summary>Adds faces to a subject (created when new), all or none.</summary>
    IReadOnlyList<StoredFace> AddFaces(string subject, IReadOnlyList<NewFace> faces, string actor);

    /// <summary>The faces of a subject; NotFound when there is no such subject.</summary>
    IReadOnlyList<StoredFace> ListFaces(string subject);

    /// <summary>Deletes one face of a subject. False when that subject has no such face.</summary>
    bool DeleteFace(string subject, long faceId, string actor);

    /// <summary>The aligned crop (PNG) of one face, or null.</summary>
    byte[]? FaceImage(string subject, long faceId);

    /// <summary>The k subjects whose best face is most similar to the probe, best first (exact unless the store says otherwise).</summary>
    IReadOnlyList<SubjectHit> Search(float[] probe, int k);

    /// <summary>The subject's face most similar to the probe, or null when the subject has no faces; NotFound without the subject.</summary>
    SubjectHit? BestFaceOf(string subject, float[] probe);

    /// <summary>The newest audit entries, newest first.</summary>
    IReadOnlyList<AuditEntry> Audit(int limit);
}
