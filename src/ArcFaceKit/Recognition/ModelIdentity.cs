namespace ArcFaceKit.Recognition;

/// <summary>What made an embedding: the model file's SHA-256, its preprocessing version and output size. Embeddings from different identities must never be compared.</summary>
public sealed record ModelIdentity(string Name, string Sha256, int PreprocessingVersion, int Dimension)
{
    /// <summary>A stable key, e.g. "6ced4e0c...:pp1:128".</summary>
    public string Key => $"{Sha256}:pp{PreprocessingVersion}:{Dimension}";

    public override string ToString() => $"{Name} ({Sha256[..12]}, pp{PreprocessingVersion}, {Dimension}-d)";
}
