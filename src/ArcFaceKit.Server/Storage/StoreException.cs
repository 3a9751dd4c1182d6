namespace ArcFaceKit.Server.Storage;

/// <summary>What a store refuses, with the HTTP status the API answers it with.</summary>
public sealed class StoreException : Exception
{
    public StoreException()
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreException(StoreError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    public StoreError Error { get; }
}

/// <summary>The kinds of refusal a store reports.</summary>
public enum StoreError
{
    Invalid,
    NotFound,
    Conflict,
    WrongModel,
}
