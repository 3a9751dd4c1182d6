using ArcFaceKit.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Training.Backbones;

/// <summary>IResNet's pre-activation block: BN, 3x3 conv, BN, PReLU, 3x3 conv (stride), BN, plus the shortcut.</summary>
public sealed class IBasicBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Eps = 1e-5;
    private readonly BatchNorm2d bn1;
    private readonly ConvBn conv1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn3;
    private readonly ConvBn? downsample;
    private readonly long _stride;

    public IBasicBlock(long inPlanes, long planes, long stride)
        : base(nameof(IBasicBlock))
    {
        _stride = stride;
        bn1 = nn.BatchNorm2d(inPlanes, eps: Eps);
        conv1 = new ConvBn(inPlanes, planes, kernel: 3, padding: 1);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn3 = nn.BatchNorm2d(planes, eps: Eps);
        downsample = stride != 1 || inPlanes != planes ? new ConvBn(inPlanes, planes, stride: stride, activation: false) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = bn3.forward(conv2.forward(conv1.forward(bn1.forward(input))));
        return x + (downsample is null ? input : downsample.forward(input));
    }

    public string Export(G graph, string input)
    {
        string x = conv1.Export(graph, OnnxLayers.BatchNorm(graph, input, bn1, Eps));
        x = graph.Node("Conv", [x, graph.Initializer(conv2.weight!, "conv_w")],
            G.Ints("kernel_shape", 3, 3), G.Ints("strides", _stride, _stride), G.Ints("pads", 1, 1, 1, 1), G.Int("group", 1));
        x = OnnxLayers.BatchNorm(graph, x, bn3, Eps);
        return graph.Node("Add", [x, downsample is null ? input : downsample.Export(graph, input)]);
    }
}
