namespace ArcFaceKit.Models;

/// <summary>One file of a model: its role (model, detector, landmarks), name, SHA-256 and input contract.</summary>
internal sealed record ModelFileEntry
{
    public string Role { get; init; } = "model";

    public string File { get; init; } = "";

    public string Sha256 { get; init; } = "";

    public InputContract Input { get; init; } = new();
}
