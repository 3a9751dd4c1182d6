namespace ArcFaceKit.Gallery;

/// <summary>A gallery operation refused: bad name, unknown subject, name taken, wrong model or dimension, unreadable store.</summary>
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

    public GalleryException(GalleryError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    public GalleryError Error { get; }
}

/// <summary>The kinds of refusal (the server answers them 400, 404, 409, 409).</summary>
public enum GalleryError
{
    Invalid,
    NotFound,
    Conflict,
    WrongModel,
}
