using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>
/// A classification head over embeddings with one weight row per identity: forward gives the logits the
/// cross-entropy sees, with the head's margin applied to each sample's own class. Everything is differentiable:
/// no logit is edited in place under no_grad (InsightFace issues #2309, #2255).
/// </summary>
public abstract class MarginHead : nn.Module<Tensor, Tensor, Tensor>
{
    // Named as registered: Module.to() swaps parameters and buffers into the fields of the same name.
    private readonly Parameter weight;

    protected MarginHead(string name, int embeddingSize, int classes)
        : base(name)
    {
        Classes = classes;
        weight = new Parameter(torch.empty(classes, embeddingSize));
        nn.init.xavier_uniform_(weight);
        register_parameter(nameof(weight), weight);
    }

    /// <summary>Class weights, one row per identity.</summary>
    public Parameter Weight => weight;

    public int Classes { get; }

    /// <summary>Mean cross-entropy over the batch (heads with an extra term, such as Center loss, add it).</summary>
    public virtual Tensor Loss(Tensor embeddings, Tensor labels) => nn.functional.cross_entropy(forward(embeddings, labels), labels);

    /// <summary>cos(theta_j) between each L2-normalised embedding and each L2-normalised class weight.</summary>
    protected Tensor Cosine(Tensor embeddings) =>
        nn.functional.linear(nn.functional.normalize(embeddings, 2, 1), nn.functional.normalize(Weight, 2, 1));

    /// <summary>The logits with each sample's target column taken from <paramref name="target"/> (same shape), through torch.where.</summary>
    protected Tensor WithTarget(Tensor logits, Tensor labels, Tensor target) =>
        torch.where(nn.functional.one_hot(labels, Classes).to(ScalarType.Bool), target, logits);

    /// <summary>theta from cos theta, kept off +-1 where acos' derivative is infinite.</summary>
    protected static Tensor Angle(Tensor cosine) => torch.acos(cosine.clamp(-1 + 1e-7, 1 - 1e-7));
}
