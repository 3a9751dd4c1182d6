using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// InsightFace's combined margin: target logit s (cos(m1 theta + m2) - m3). (1, 0, 0) is normalised softmax,
/// (1.35, 0, 0) SphereFace-like, (1, 0.5, 0) ArcFace, (1, 0, 0.35) CosFace.
/// </summary>
public sealed class CombinedMarginHead(int embeddingSize, int classes, double scale = 64, double m1 = 1.0, double m2 = 0.3, double m3 = 0.2)
    : MarginHead(nameof(CombinedMarginHead), embeddingSize, classes)
{
    public double Scale { get; } = scale;

    public (double M1, double M2, double M3) Margins { get; } = (m1, m2, m3);

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cosine = Cosine(embeddings);
        var target = torch.cos((Angle(cosine) * Margins.M1) + Margins.M2) - Margins.M3;
        return WithTarget(cosine, labels, target) * Scale;
    }
}
