using ArcFaceKit.Training.Export;
using TorchSharp.Modules;
using static TorchSharp.torch;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Training.Backbones;

/// <summary>IResNet (InsightFace arcface_torch iresnet.py): depth 18, 34 or 50; 112x112 input (any multiple of 16).</summary>
public sealed class IResNet : nn.Module<Tensor, Tensor>, IBackbone
{
    private const double Eps = 1e-5;
    private static readonly Dictionary<int, int[]> Layers = new() { [18] = [2, 2, 2, 2], [34] = [3, 4, 6, 3], [50] = [3, 4, 14, 3] };
    private readonly ConvBn stem;
    private readonly Sequential body;
    private readonly BatchNorm2d bn2;
    private readonly Linear fc;
    private readonly BatchNorm1d features;
    private readonly List<IBasicBlock> _blocks = [];

    public IResNet(int depth = 50, int embeddingSize = 512, int inputSize = 112)
        : base(nameof(IResNet))
    {
        if (!Layers.TryGetValue(depth, out var counts))
        {
            throw new ArgumentException($"IResNet depth must be 18, 34 or 50, not {depth}.", nameof(depth));
        }

        if (inputSize % 16 != 0)
        {
            throw new ArgumentException($"IResNet needs an input size that is a multiple of 16, not {inputSize}.", nameof(inputSize));
        }

        (Depth, EmbeddingSize, InputSize) = (depth, embeddingSize, inputSize);
        stem = new ConvBn(3, 64, kernel: 3, padding: 1);
        long inPlanes = 64;
        long[] planes = [64, 128, 256, 512];
        for (int stage = 0; stage < 4; stage++)
        {
            for (int b = 0; b < counts[stage]; b++)
            {
                _blocks.Add(new IBasicBlock(inPlanes, planes[stage], b == 0 ? 2 : 1));
                inPlanes = planes[stage];
            }
        }

        body = nn.Sequential(_blocks.Select((block, i) => ($"block{i}", (nn.Module<Tensor, Tensor>)block)));
        bn2 = nn.BatchNorm2d(512, eps: Eps);
        long side = inputSize / 16;
        fc = nn.Linear(512 * side * side, embeddingSize);
        features = nn.BatchNorm1d(embeddingSize, eps: Eps);
        RegisterComponents();
    }

    public int Depth { get; }

    public string Architecture => $"iresnet{Depth}";

    public int InputSize { get; }

    public int EmbeddingSize { get; }

    public override Tensor forward(Tensor input) =>
        features.forward(fc.forward(bn2.forward(body.forward(stem.forward(input))).flatten(1)));

    public string Export(G graph, string input)
    {
        string x = _blocks.Aggregate(stem.Export(graph, input), (current, block) => block.Export(graph, current));
        x = graph.Node("Flatten", [OnnxLayers.BatchNorm(graph, x, bn2, Eps)], G.Int("axis", 1));
        x = graph.Node("Gemm", [x, graph.Initializer(fc.weight!, "fc_w"), graph.Initializer(fc.bias!, "fc_b")], G.Int("transB", 1));
        return OnnxLayers.BatchNorm(graph, x, features, Eps);
    }
}
