using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// SphereFace (A-Softmax): weights normalised, features not. Target logit ||x|| (lambda cos theta + psi(theta)) / (1 + lambda)
/// with the monotonic psi(theta) = (-1)^k cos(m theta) - 2k, k = floor(m theta / pi); other logits ||x|| cos theta.
/// Lambda is annealed during training (large at first, so the margin comes in gradually).
/// </summary>
public sealed class SphereFaceHead(int embeddingSize, int classes, int margin = 4, double lambda = 5.0)
    : MarginHead(nameof(SphereFaceHead), embeddingSize, classes)
{
    public int Margin { get; } = margin;

    /// <summary>Annealing weight of plain cos theta in the target logit; the trainer lowers it step by step.</summary>
    public double Lambda { get; set; } = lambda;

    /// <summary>SphereFace's annealing: lambda = max(5, 1000 / (1 + 0.12 step)), set by the trainer before each step.</summary>
    public void Anneal(long step) => Lambda = Math.Max(5.0, 1000.0 / (1 + (0.12 * step)));

    /// <summary>psi(theta) = (-1)^k cos(m theta) - 2k: decreasing from 1 to -(2m - 1) over 0..pi.</summary>
    public static Tensor Psi(Tensor theta, int margin)
    {
        var k = torch.floor(theta * margin / Math.PI).detach();
        var sign = 1 - (2 * torch.remainder(k, 2));
        return (sign * torch.cos(theta * margin)) - (2 * k);
    }

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var cosine = Cosine(embeddings);
        var norm = embeddings.norm(1, keepdim: true);
        var target = ((Lambda * cosine) + Psi(Angle(cosine), Margin)) / (1 + Lambda);
        return WithTarget(cosine, labels, target) * norm;
    }
}
