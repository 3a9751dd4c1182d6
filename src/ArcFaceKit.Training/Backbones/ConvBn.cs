using ArcFaceKit.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Training.Backbones;

/// <summary>Convolution without bias, batch norm, then PReLU (or nothing, for a linear block).</summary>
public sealed class ConvBn : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Eps = 1e-5;
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly PReLU? prelu;
    private readonly long _kernel, _stride, _padding, _groups;

    public ConvBn(long inChannels, long outChannels, long kernel = 1, long stride = 1, long padding = 0, long groups = 1, bool activation = true)
        : base(nameof(ConvBn))
    {
        (_kernel, _stride, _padding, _groups) = (kernel, stride, padding, groups);
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, groups: groups, bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: Eps);
        prelu = activation ? nn.PReLU(outChannels) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = bn.forward(conv.forward(input));
        return prelu is null ? x : prelu.forward(x);
    }

    public string Export(G graph, string input)
    {
        string x = graph.Node("Conv", [input, graph.Initializer(conv.weight!, "conv_w")],
            G.Ints("kernel_shape", _kernel, _kernel), G.Ints("strides", _stride, _stride), G.Ints("pads", _padding, _padding, _padding, _padding), G.Int("group", _groups));
        x = OnnxLayers.BatchNorm(graph, x, bn, Eps);
        return prelu is null ? x : OnnxLayers.PRelu(graph, x, prelu);
    }
}
