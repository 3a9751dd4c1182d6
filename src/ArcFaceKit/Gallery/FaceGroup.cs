namespace ArcFaceKit.Gallery;

/// <summary>
/// Faces of one person not yet named, grouped by the clustering rule (<see cref="IFaceGallery.AddToGroupsAsync"/>):
/// its faces (oldest first) and the representative, the face nearest the group's centroid.
/// </summary>
public sealed record FaceGroup(long Id, IReadOnlyList<GroupFace> Faces, long Representative, DateTimeOffset CreatedUtc);

/// <summary>One face of a <see cref="FaceGroup"/> (its embedding and aligned crop stay in the gallery).</summary>
public sealed record GroupFace(long Id, long Group, DateTimeOffset CreatedUtc, string? Source);
