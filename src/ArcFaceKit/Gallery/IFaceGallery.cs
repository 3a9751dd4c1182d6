using ArcFaceKit.Recognition;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Subjects with their faces (embedding + aligned crop), 1:N search, erasure and an audit log: the one gallery the
/// CLI, the server and library users share. Every write is one transaction that records its audit entry (who:
/// <c>actor</c>) with it; a gallery is pinned to the embedding model that filled it and refuses another.
/// Implementations are safe to call from many threads at once.
/// </summary>
public interface IFaceGallery : IAsyncDisposable, IDisposable
{
    /// <summary>What backs this gallery, for health output (no paths or secrets).</summary>
    string Kind { get; }

    ModelIdentity Model { get; }

    Task<int> CountFacesAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Subject>> ListSubjectsAsync(CancellationToken cancellationToken = default);

    Task<Subject?> GetSubjectAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates an empty subject; Conflict when the name is taken.</summary>
    Task<Subject> CreateSubjectAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Renames a subject; NotFound or Conflict.</summary>
    Task<Subject> RenameSubjectAsync(string name, string newName, string actor, CancellationToken cancellationToken = default);

    /// <summary>Erases a subject with every embedding and stored crop. False when there is none of that name.</summary>
    Task<bool> DeleteSubjectAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Adds faces to a subject (created when new), all or none.</summary>
    Task<IReadOnlyList<StoredFace>> AddFacesAsync(string subject, IReadOnlyList<NewFace> faces, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="AddFacesAsync"/>, safe to retry: with a <paramref name="requestKey"/> the caller already used in
    /// the last day, adds nothing and returns what that request added (<see cref="AddedFaces.Replayed"/>).
    /// </summary>
    Task<AddedFaces> AddFacesOnceAsync(string subject, IReadOnlyList<NewFace> faces, string actor, string requestKey, CancellationToken cancellationToken = default);

    /// <summary>What the caller's earlier request with this key added to the subject, or null (none in the last day); Conflict when that request was for another subject.</summary>
    Task<AddedFaces?> FindAddedFacesAsync(string subject, string actor, string requestKey, CancellationToken cancellationToken = default);

    /// <summary>The faces of a subject; NotFound when there is no such subject.</summary>
    Task<IReadOnlyList<StoredFace>> ListFacesAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Deletes one face of a subject. False when that subject has no such face.</summary>
    Task<bool> DeleteFaceAsync(string subject, long faceId, string actor, CancellationToken cancellationToken = default);

    /// <summary>The aligned crop (PNG) of one face, or null (no such face, or none was kept).</summary>
    Task<byte[]?> GetFaceCropAsync(string subject, long faceId, CancellationToken cancellationToken = default);

    /// <summary>The k subjects that score highest against the probe under <paramref name="scoring"/>, best first (exact unless <see cref="Kind"/> says approximate).</summary>
    Task<IReadOnlyList<SubjectMatch>> SearchAsync(float[] probe, int k, SubjectScoring scoring, CancellationToken cancellationToken = default);

    /// <summary>One subject's score against the probe; null when it has no faces; NotFound without the subject.</summary>
    Task<SubjectMatch?> ScoreSubjectAsync(string subject, float[] probe, SubjectScoring scoring, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps a face of someone not enrolled in a group of unnamed faces: it joins the group whose template (the
    /// normalised mean of its faces) is most similar, when at least <paramref name="joinThreshold"/>, else starts one
    /// (the rule of <see cref="Clustering.FaceClusterer"/>, one face at a time). Groups are never proposed by 1:N search.
    /// </summary>
    Task<GroupFace> AddToGroupsAsync(NewFace face, float joinThreshold, string actor, CancellationToken cancellationToken = default);

    /// <summary>The groups of unnamed faces, largest first.</summary>
    Task<IReadOnlyList<FaceGroup>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>One group, or null.</summary>
    Task<FaceGroup?> GetGroupAsync(long group, CancellationToken cancellationToken = default);

    /// <summary>The aligned crop (PNG) of a face in a group, or null.</summary>
    Task<byte[]?> GetGroupFaceCropAsync(long group, long faceId, CancellationToken cancellationToken = default);

    /// <summary>Names a group: its faces are enrolled for the subject (created when new, else added to it) and the group is gone; one transaction.</summary>
    Task<Subject> NameGroupAsync(long group, string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Moves every face of <paramref name="from"/> into <paramref name="into"/>; NotFound when either is not a group.</summary>
    Task<FaceGroup> MergeGroupsAsync(long into, long from, string actor, CancellationToken cancellationToken = default);

    /// <summary>Moves one face out of its group into a new group of its own, which is returned.</summary>
    Task<FaceGroup> SplitFaceAsync(long group, long faceId, string actor, CancellationToken cancellationToken = default);

    /// <summary>Erases a group with its faces, as <see cref="DeleteSubjectAsync"/> erases a subject. False when there is no such group.</summary>
    Task<bool> DeleteGroupAsync(long group, string actor, CancellationToken cancellationToken = default);

    /// <summary>The newest audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(int limit, CancellationToken cancellationToken = default);
}

/// <summary>API keys kept beside the gallery (hashes only); issuing and checking tokens is the server's job.</summary>
internal interface IApiKeyStore
{
    /// <summary>Stores a new key; the audit records <paramref name="actor"/> (who issued it) with it.</summary>
    Task AddKeyAsync(StoredKey key, string actor, CancellationToken cancellationToken = default);

    Task<StoredKey?> FindKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks a key revoked, audited under <paramref name="actor"/>. False when there is no active key with that id.</summary>
    Task<bool> RevokeKeyAsync(string id, string actor, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredKey>> ListKeysAsync(CancellationToken cancellationToken = default);
}
