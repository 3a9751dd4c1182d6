using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// Rewrites a per-channel PRelu as x + (a - 1) * min(x, 0): a Clip at zero, a depthwise 1x1 Conv with weights
/// a - 1, and an Add, exactly the same function for any slope. ONNX Runtime's PRelu broadcasts the slope over each
/// channel's small spatial plane, one short span at a time; MobileFaceNet's 33 PRelus took about 60% of its time
/// (10.9 ms a face on one core), and the rewritten model runs in 4.1 ms (bench pipeline prints both).
/// </summary>
internal static class PReluRewrite
{
    private const string Zero = "prelu_rewrite_zero";
    private const string Lowest = "prelu_rewrite_lowest";

    /// <summary>Rewrites every PRelu whose slope is a constant per channel of a 4-D input; returns how many.</summary>
    public static int Apply(ModelProto model)
    {
        var g = model.Graph;
        var initializers = g.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var nodes = new List<NodeProto>(g.Node.Count);
        int rewritten = 0;
        long opset = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")?.Version ?? 1;
        foreach (var node in g.Node)
        {
            if (node.OpType != "PRelu" || node.Domain.Length > 0 || !initializers.TryGetValue(node.Input[1], out var slope) || PerChannel(slope) is not { } a)
            {
                nodes.Add(node);
                continue;
            }

            string prefix = node.Output[0] + "_prelu";
            var weight = TensorData.Create<float>(prefix + "_weight", TensorProto.Types.DataType.Float, a.Select(v => v - 1f).ToArray(), a.Length, 1, 1, 1);
            g.Initializer.Add(weight);
            nodes.Add(NegativePart(node.Input[0], prefix + "_negative", opset));
            var conv = Node("Conv", [prefix + "_negative", weight.Name], prefix + "_scaled");
            conv.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = a.Length });
            conv.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1 } });
            nodes.Add(conv);
            nodes.Add(Node("Add", [node.Input[0], prefix + "_scaled"], node.Output[0]));
            rewritten++;
        }

        if (rewritten > 0)
        {
            g.Node.Clear();
            g.Node.AddRange(nodes);
            if (opset >= 11)
            {
                g.Initializer.Add(TensorData.Create(Lowest, TensorProto.Types.DataType.Float, [float.MinValue]));
                g.Initializer.Add(TensorData.Create(Zero, TensorProto.Types.DataType.Float, [0f]));
            }

            GraphEdits.RemoveUnusedInitializers(g);
        }

        return rewritten;
    }

    /// <summary>The slopes when they are one per channel (shape [C,1,1] or [1,C,1,1]) and C > 1; null otherwise.</summary>
    private static float[]? PerChannel(TensorProto slope)
    {
        var dims = slope.Dims.ToArray();
        bool perChannel = TensorData.IsFloat(slope)
            && ((dims.Length == 3 && dims[1] == 1 && dims[2] == 1) || (dims.Length == 4 && dims[0] == 1 && dims[2] == 1 && dims[3] == 1));
        if (!perChannel)
        {
            return null;
        }

        float[] a = TensorData.Floats(slope);
        return a.Length > 1 ? a : null;
    }

    /// <summary>
    /// min(x, 0) as a Clip with an upper bound of zero: as fast as Min, and in a quantized model ONNX Runtime removes it,
    /// the uint8 range of its output (ending at zero) clipping alone.
    /// </summary>
    private static NodeProto NegativePart(string input, string output, long opset)
    {
        if (opset >= 11)
        {
            return Node("Clip", [input, Lowest, Zero], output);
        }

        var clip = Node("Clip", [input], output);
        clip.Attribute.Add(new AttributeProto { Name = "min", Type = AttributeProto.Types.AttributeType.Float, F = float.MinValue });
        clip.Attribute.Add(new AttributeProto { Name = "max", Type = AttributeProto.Types.AttributeType.Float, F = 0f });
        return clip;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
