namespace ArcFaceKit.Training.Heads;

/// <summary>Heads by name, as the commands and experiments take them.</summary>
public static class HeadFactory
{
    public static IReadOnlyList<string> Names { get; } = ["softmax", "norm-softmax", "center", "sphereface", "cosface", "arcface", "combined"];

    /// <summary>A head for <paramref name="classes"/> identities; margin defaults: CosFace 0.35, ArcFace 0.5, SphereFace 4.</summary>
    public static MarginHead Create(string loss, int embeddingSize, int classes, double scale = 64, double? margin = null) => loss switch
    {
        "softmax" => new SoftmaxHead(embeddingSize, classes),
        "norm-softmax" => new NormSoftmaxHead(embeddingSize, classes, scale),
        "center" => new CenterLossHead(embeddingSize, classes),
        "sphereface" => new SphereFaceHead(embeddingSize, classes, (int)(margin ?? 4)),
        "cosface" => new CosFaceHead(embeddingSize, classes, scale, margin ?? 0.35),
        "arcface" => new ArcFaceHead(embeddingSize, classes, scale, margin ?? 0.5),
        "combined" => new CombinedMarginHead(embeddingSize, classes, scale),
        _ => throw new ArgumentException($"Loss '{loss}' is not one of {string.Join(", ", Names)}."),
    };
}
