using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// Center loss: softmax on the raw feature plus lambda/2 sum_i ||x_i - c_{y_i}||^2 (averaged over the batch).
/// Centres are not learned by the optimiser: <see cref="UpdateCenters"/> moves each class centre towards its samples
/// at rate alpha (Wen et al. 2016): c_j -= alpha * sum_{i: y_i = j} (c_j - x_i) / (1 + n_j).
/// </summary>
public sealed class CenterLossHead : SoftmaxHead
{
    private readonly Tensor centers;

    public CenterLossHead(int embeddingSize, int classes, double lambda = 0.003, double alpha = 0.5)
        : base(embeddingSize, classes)
    {
        Lambda = lambda;
        Alpha = alpha;
        centers = zeros(classes, embeddingSize);
        register_buffer(nameof(centers), centers);
    }

    public double Lambda { get; }

    public double Alpha { get; }

    public Tensor Centers => centers;

    public override Tensor Loss(Tensor embeddings, Tensor labels)
    {
        var centers = Centers.to(embeddings.dtype).index_select(0, labels);
        var center = (embeddings - centers).pow(2).sum(1).mean() * (Lambda / 2);
        return base.Loss(embeddings, labels) + center;
    }

    /// <summary>One centre step with the batch's (detached) features.</summary>
    public void UpdateCenters(Tensor embeddings, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = embeddings.detach().to(Centers.dtype);
        var diff = Centers.index_select(0, labels) - x;
        var delta = zeros_like(Centers).index_add_(0, labels, diff, 1);
        var counts = zeros(Classes, dtype: Centers.dtype).index_add_(0, labels, ones(labels.shape[0], dtype: Centers.dtype), 1);
        Centers.sub_(delta / (counts + 1).unsqueeze(1) * Alpha);
    }
}
