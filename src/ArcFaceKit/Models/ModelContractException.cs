namespace ArcFaceKit.Models;

/// <summary>A model file or manifest that does not match what it claims to be.</summary>
public sealed class ModelContractException : Exception
{
    public ModelContractException()
    {
    }

    public ModelContractException(string message)
        : base(message)
    {
    }

    public ModelContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
