namespace ArcFaceKit.Gallery;

/// <summary>
/// The best-face crops of camera events, kept in the gallery's database (table snapshots) for a limited time and
/// sealed as faces are: under the key of the subject an event named, of the group of unnamed faces a visitor's face
/// was kept in, or else of the camera. Erasing a subject or group erases its snapshots with its faces; naming or
/// merging a group moves them with its faces; removing a camera removes all of its snapshots.
/// </summary>
internal interface ISnapshotStore
{
    /// <summary>Keeps a snapshot; false (nothing kept) when its camera is gone or the subject it names was erased.</summary>
    Task<bool> AddSnapshotAsync(NewSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a camera's snapshots of a visitor (kept under the camera) to the group its face was kept in, so that
    /// naming, merging or erasing the group carries them along. Returns how many moved.
    /// </summary>
    Task<int> AttachSnapshotsAsync(string camera, IReadOnlyCollection<string> ids, long group, CancellationToken cancellationToken = default);

    /// <summary>The PNG of a camera's snapshot taken at or after <paramref name="notBefore"/>; null when there is none (or no longer).</summary>
    Task<byte[]?> FindSnapshotAsync(string camera, string id, DateTimeOffset notBefore, CancellationToken cancellationToken = default);

    /// <summary>Erases the snapshots taken before <paramref name="before"/>, and the oldest beyond the newest <paramref name="keep"/>; returns how many.</summary>
    Task<int> TrimSnapshotsAsync(DateTimeOffset before, int keep, CancellationToken cancellationToken = default);
}
