using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>CosFace (large margin cosine loss): target logit s (cos theta - m), others s cos theta.</summary>
public sealed class CosFaceHead(int embeddingSize, int classes, double scale = 64, double margin = 0.35)
    : MarginHead(nameof(CosFaceHead), embeddingSize, classes)
{
    public double Scale { get; } = scale;

    public double Margin { get; } = margin;

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cosine = Cosine(embeddings);
        return WithTarget(cosine, labels, cosine - Margin) * Scale;
    }
}
