namespace ArcFaceKit.Server.Api;

/// <summary>A request the API refuses, with the HTTP status and the message the client sees as problem details.</summary>
public sealed class ApiProblem : Exception
{
    public ApiProblem()
    {
    }

    public ApiProblem(string message)
        : base(message)
    {
    }

    public ApiProblem(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiProblem(int status, string title, string message)
        : base(message)
    {
        Status = status;
        Title = title;
    }

    public int Status { get; } = StatusCodes.Status400BadRequest;

    public string Title { get; } = "Bad request";
}
