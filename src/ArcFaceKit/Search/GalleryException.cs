namespace ArcFaceKit.Search;

/// <summary>A gallery operation refused: wrong model, wrong dimension, unknown identity, unreadable store.</summary>
public sealed class GalleryException : Exception
{
    public GalleryException()
    {
    }

    public GalleryException(string message)
        : base(message)
    {
    }

    public GalleryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
