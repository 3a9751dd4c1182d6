namespace ArcFaceKit.Gallery;

/// <summary>
/// The cameras a server watches, kept in the gallery's database (table cameras) so that they survive a restart. Each
/// write is one transaction with its audit entry; a camera's source is sealed under a key of its own where the store
/// seals (PostgreSQL), and deleting a camera destroys that key, as erasing a subject does.
/// </summary>
internal interface ICameraStore
{
    Task<IReadOnlyList<StoredCamera>> ListCamerasAsync(CancellationToken cancellationToken = default);

    Task<StoredCamera?> FindCameraAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a new camera; a <see cref="GalleryException"/> (conflict) when the name is taken.</summary>
    Task AddCameraAsync(StoredCamera camera, string actor, CancellationToken cancellationToken = default);

    /// <summary>Replaces the source and settings of the camera of that name; false when there is none.</summary>
    Task<bool> UpdateCameraAsync(StoredCamera camera, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes the camera and what its source was sealed with; false when there is none.</summary>
    Task<bool> DeleteCameraAsync(string name, string actor, CancellationToken cancellationToken = default);
}
