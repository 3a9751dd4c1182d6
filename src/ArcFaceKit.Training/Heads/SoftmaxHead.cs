using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Heads;

/// <summary>Plain softmax: logits = W x + b on the raw (unnormalised) embedding.</summary>
public class SoftmaxHead : MarginHead
{
    private readonly Parameter bias;

    public SoftmaxHead(int embeddingSize, int classes)
        : base(nameof(SoftmaxHead), embeddingSize, classes)
    {
        bias = new Parameter(zeros(classes));
        register_parameter(nameof(bias), bias);
    }

    public Parameter Bias => bias;

    public override Tensor forward(Tensor embeddings, Tensor labels) => nn.functional.linear(embeddings, Weight, Bias);
}
