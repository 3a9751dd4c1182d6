namespace ArcFaceKit.Service;

/// <summary>The rules of a <see cref="GalleryService"/>: which faces are good enough to keep.</summary>
public sealed record GalleryServiceOptions
{
    /// <summary>
    /// Enrolment refuses a face whose <see cref="Quality.FaceQuality.ImageScore"/> is under this (blurred, tiny, turned
    /// or badly landmarked) with <see cref="PoorFaceException"/>, and unnamed faces under it are not collected; 0 (the
    /// default) refuses none. The image score, not the norm-based score, so one threshold holds for every embedder.
    /// </summary>
    public float MinEnrollImageQuality { get; init; }

    public static GalleryServiceOptions Default { get; } = new();
}
