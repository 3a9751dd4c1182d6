using ArcFaceKit.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Training.Backbones;

/// <summary>
/// MobileFaceNet (Chen et al. 2018; InsightFace arcface_torch's layout, blocks 1-4-6-2): about 1M parameters at 112x112.
/// Any input that is a multiple of 16 works: the global depthwise conv spans the final InputSize/16 map, so 64x64 makes
/// the small variant that trains at useful speed on 2 CPU cores.
/// </summary>
public sealed class MobileFaceNet : nn.Module<Tensor, Tensor>, IBackbone
{
    private const double Eps = 1e-5;
    private readonly Sequential body;
    private readonly ConvBn gdc;
    private readonly Linear linear;
    private readonly BatchNorm1d features;
    private readonly List<IOnnxExportable> _exportOrder = [];

    public MobileFaceNet(int embeddingSize = 128, int inputSize = 112)
        : base(nameof(MobileFaceNet))
    {
        if (inputSize % 16 != 0)
        {
            throw new ArgumentException($"MobileFaceNet needs an input size that is a multiple of 16, not {inputSize}.", nameof(inputSize));
        }

        (EmbeddingSize, InputSize) = (embeddingSize, inputSize);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv1", new ConvBn(3, 64, kernel: 3, stride: 2, padding: 1)),
            ("conv2_dw", new ConvBn(64, 64, kernel: 3, padding: 1, groups: 64)),
            ("conv_23", new DepthWise(64, 64, 128, stride: 2, residual: false)),
        };
        layers.AddRange(Enumerable.Range(0, 4).Select(i => ($"conv_3_{i}", (nn.Module<Tensor, Tensor>)new DepthWise(64, 64, 128, 1, residual: true))));
        layers.Add(("conv_34", new DepthWise(64, 128, 256, stride: 2, residual: false)));
        layers.AddRange(Enumerable.Range(0, 6).Select(i => ($"conv_4_{i}", (nn.Module<Tensor, Tensor>)new DepthWise(128, 128, 256, 1, residual: true))));
        layers.Add(("conv_45", new DepthWise(128, 128, 512, stride: 2, residual: false)));
        layers.AddRange(Enumerable.Range(0, 2).Select(i => ($"conv_5_{i}", (nn.Module<Tensor, Tensor>)new DepthWise(128, 128, 256, 1, residual: true))));
        layers.Add(("conv_sep", new ConvBn(128, 512)));
        _exportOrder.AddRange(layers.Select(l => (IOnnxExportable)l.Item2));
        body = nn.Sequential(layers);
        gdc = new ConvBn(512, 512, kernel: inputSize / 16, groups: 512, activation: false);
        linear = nn.Linear(512, embeddingSize, hasBias: false);
        features = nn.BatchNorm1d(embeddingSize, eps: Eps);
        RegisterComponents();
    }

    public string Architecture => "mobilefacenet";

    public int InputSize { get; }

    public int EmbeddingSize { get; }

    public override Tensor forward(Tensor input) =>
        features.forward(linear.forward(gdc.forward(body.forward(input)).flatten(1)));

    public string Export(G graph, string input)
    {
        string x = _exportOrder.Aggregate(input, (current, layer) => layer.Export(graph, current));
        x = graph.Node("Flatten", [gdc.Export(graph, x)], G.Int("axis", 1));
        x = graph.Node("Gemm", [x, graph.Initializer(linear.weight!, "fc_w")], G.Int("transB", 1));
        return OnnxLayers.BatchNorm(graph, x, features, Eps);
    }
}
