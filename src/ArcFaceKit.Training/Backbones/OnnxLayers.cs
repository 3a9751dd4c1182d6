using ArcFaceKit.Training.Export;
using TorchSharp.Modules;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Training.Backbones;

/// <summary>ONNX nodes for the TorchSharp layers the backbones share (eval mode: running statistics).</summary>
internal static class OnnxLayers
{
    public static string BatchNorm(G graph, string input, BatchNorm bn, double eps) =>
        graph.Node("BatchNormalization",
            [input, graph.Initializer(bn.weight!, "bn_scale"), graph.Initializer(bn.bias!, "bn_bias"), graph.Initializer(bn.running_mean!, "bn_mean"), graph.Initializer(bn.running_var!, "bn_var")],
            G.Float("epsilon", (float)eps));

    /// <summary>PReLU with one slope per channel, broadcast over H and W.</summary>
    public static string PRelu(G graph, string input, PReLU prelu) =>
        graph.Node("PRelu", [input, graph.Initializer(prelu.weight!, "prelu_slope", [prelu.weight!.shape[0], 1, 1])]);
}
