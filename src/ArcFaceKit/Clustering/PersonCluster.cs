namespace ArcFaceKit.Clustering;

/// <summary>One person found by clustering: its faces (indices in the order they were added), the face nearest its centroid, and the centroid.</summary>
public sealed record PersonCluster(int Id, IReadOnlyList<int> Faces, int Representative, float[] Centroid);
