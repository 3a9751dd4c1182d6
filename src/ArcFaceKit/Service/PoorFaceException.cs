using ArcFaceKit.Quality;

namespace ArcFaceKit.Service;

/// <summary>A face refused for enrolment because its image quality is under <see cref="GalleryServiceOptions.MinEnrollImageQuality"/>.</summary>
public sealed class PoorFaceException : Exception
{
    public PoorFaceException()
    {
    }

    public PoorFaceException(string message)
        : base(message)
    {
    }

    public PoorFaceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PoorFaceException(FaceQuality quality, string message)
        : base(message) => Quality = quality;

    /// <summary>The refused face's quality, every factor of it.</summary>
    public FaceQuality? Quality { get; }
}
