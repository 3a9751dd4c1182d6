namespace ArcFaceKit.Service;

/// <summary>A photo that has no face, or several where one was needed.</summary>
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

    public FaceSelectionException(int facesFound, string message)
        : base(message) => FacesFound = facesFound;

    /// <summary>How many faces the photo had: 0, or more than 1.</summary>
    public int FacesFound { get; }
}
