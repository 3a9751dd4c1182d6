namespace ArcFaceKit.Pipeline;

/// <summary>Every analysis slot is taken and the waiting line is full: retry after a moment (the server answers 503).</summary>
public sealed class ServiceBusyException : Exception
{
    public ServiceBusyException()
    {
    }

    public ServiceBusyException(string message)
        : base(message)
    {
    }

    public ServiceBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
