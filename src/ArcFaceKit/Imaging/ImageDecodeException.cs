namespace ArcFaceKit.Imaging;

/// <summary>An image that cannot be used: empty, corrupt, truncated, unsupported or over the pixel limit.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
