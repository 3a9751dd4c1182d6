using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>Normalised softmax: logits = s cos(theta_j), no margin.</summary>
public sealed class NormSoftmaxHead(int embeddingSize, int classes, double scale = 64)
    : MarginHead(nameof(NormSoftmaxHead), embeddingSize, classes)
{
    public double Scale { get; } = scale;

    public override Tensor forward(Tensor embeddings, Tensor labels) => Cosine(embeddings) * Scale;
}
