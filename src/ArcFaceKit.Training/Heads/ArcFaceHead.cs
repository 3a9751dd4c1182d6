using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// ArcFace (additive angular margin): target logit s cos(theta + m) = s (cos theta cos m - sin theta sin m).
/// Past theta = pi - m, cos(theta + m) stops decreasing; there InsightFace falls back to cos theta - m sin m
/// (where cos theta &lt;= cos(pi - m)). With <see cref="EasyMargin"/> the margin applies only where cos theta &gt; 0.
/// </summary>
public sealed class ArcFaceHead(int embeddingSize, int classes, double scale = 64, double margin = 0.5, bool easyMargin = false)
    : MarginHead(nameof(ArcFaceHead), embeddingSize, classes)
{
    public double Scale { get; } = scale;

    public double Margin { get; } = margin;

    public bool EasyMargin { get; } = easyMargin;

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cosine = Cosine(embeddings);
        var sine = torch.sqrt((1 - (cosine * cosine)).clamp(min: 1e-12));
        var withMargin = (cosine * Math.Cos(Margin)) - (sine * Math.Sin(Margin));
        var target = EasyMargin
            ? torch.where(cosine > 0, withMargin, cosine)
            : torch.where(cosine > Math.Cos(Math.PI - Margin), withMargin, cosine - (Math.Sin(Math.PI - Margin) * Margin));
        return WithTarget(cosine, labels, target) * Scale;
    }
}
