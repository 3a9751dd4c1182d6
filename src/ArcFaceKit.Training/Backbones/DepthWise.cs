using ArcFaceKit.Models;
using ArcFaceKit.Training.Export;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Backbones;

/// <summary>MobileFaceNet's inverted bottleneck: 1x1 expand, 3x3 depthwise (stride), 1x1 linear project; residual when shapes allow.</summary>
public sealed class DepthWise : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ConvBn expand;
    private readonly ConvBn depthwise;
    private readonly ConvBn project;
    private readonly bool _residual;

    public DepthWise(long inChannels, long outChannels, long hidden, long stride, bool residual)
        : base(nameof(DepthWise))
    {
        _residual = residual;
        expand = new ConvBn(inChannels, hidden);
        depthwise = new ConvBn(hidden, hidden, kernel: 3, stride: stride, padding: 1, groups: hidden);
        project = new ConvBn(hidden, outChannels, activation: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = project.forward(depthwise.forward(expand.forward(input)));
        return _residual ? x + input : x;
    }

    public string Export(OnnxGraphBuilder graph, string input)
    {
        string x = project.Export(graph, depthwise.Export(graph, expand.Export(graph, input)));
        return _residual ? graph.Node("Add", [x, input]) : x;
    }
}
