namespace ArcFaceKit.Pipeline;

/// <summary>A photo that has no face, or several where one was needed; the message says which photo and how many.</summary>
public sealed class FaceSelectionException : Exception
{
    public FaceSelectionException()
    {
    }

    public FaceSelectionException(string message)
        : base(message)
    {
    }

    public FaceSelectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FaceSelectionException(string photo, int facesFound, string message)
        : base(message) => (Photo, FacesFound) = (photo, facesFound);

    /// <summary>The photo, as the caller named it.</summary>
    public string? Photo { get; }

    /// <summary>How many faces the photo had: 0, or more than 1.</summary>
    public int FacesFound { get; }
}
