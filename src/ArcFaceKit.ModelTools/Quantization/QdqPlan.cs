using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// What a static QDQ quantization quantizes. Conv (weights and bias constant) and Add (of two computed tensors) run in
/// int8; their activation inputs and outputs get a quantize/dequantize pair, except the layers nearest the outputs. A Relu that alone consumes a quantized Conv's output is folded into it: a uint8 range starting at
/// zero clips as the Relu did, and ONNX Runtime then fuses the Conv into one int8 kernel.
/// </summary>
internal sealed class QdqPlan
{
    /// <summary>
    /// The last two Conv/Add layers before each output stay float: the embedding's global depthwise conv and its linear
    /// projection (quantizing the former alone cost about 0.1 in cosine to the fp32 embedding), a detector's head convs.
    /// They are a small share of the work.
    /// </summary>
    private const int FloatLayersBeforeOutputs = 4;

    private QdqPlan(ModelProto model, HashSet<NodeProto> nodes, List<string> activations)
    {
        Model = model;
        QuantizedNodes = nodes;
        Activations = activations;
    }

    /// <summary>A copy of the float model with the Relus folded (not runnable as float: the folding relies on the quantization).</summary>
    public ModelProto Model { get; }

    public IReadOnlySet<NodeProto> QuantizedNodes { get; }

    /// <summary>Tensors quantized with a range measured by calibration; all exist in the original float model.</summary>
    public IReadOnlyList<string> Activations { get; }

    public static QdqPlan For(ModelProto original)
    {
        var model = original.Clone();
        OpsetUpgrade.ToMinimum(model);
        var g = model.Graph;
        var initializers = g.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var constants = initializers.Concat(g.Node.Where(n => n.OpType == "Constant").SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        var outputs = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = GraphEdits.Consumers(g);

        bool IsCandidate(NodeProto n) => n.OpType switch
        {
            "Conv" => n.Input.Count >= 2 && initializers.Contains(n.Input[1]) && (n.Input.Count < 3 || n.Input[2].Length == 0 || initializers.Contains(n.Input[2])),
            "Add" => n.Input.Count == 2 && !constants.Contains(n.Input[0]) && !constants.Contains(n.Input[1]),
            _ => false,
        };

        // How many Conv/Add nodes lie between a tensor and the nearest graph output (int.MaxValue: none reached).
        var toOutput = new Dictionary<string, int>(StringComparer.Ordinal);
        int NodesToOutput(string tensor)
        {
            if (!toOutput.TryGetValue(tensor, out int d))
            {
                d = outputs.Contains(tensor) ? 0 : int.MaxValue;
                foreach (var c in consumers[tensor])
                {
                    int next = c.Output.Select(NodesToOutput).DefaultIfEmpty(int.MaxValue).Min();
                    if (next != int.MaxValue)
                    {
                        d = Math.Min(d, next + (IsCandidate(c) ? 1 : 0));
                    }
                }

                toOutput[tensor] = d;
            }

            return d;
        }

        var quantized = g.Node.Where(n => IsCandidate(n) && NodesToOutput(n.Output[0]) >= FloatLayersBeforeOutputs).ToHashSet();

        // A float Conv (and a Relu after it) whose output a quantized node reads would sit between a dequantize and a
        // quantize, a pattern ONNX Runtime quantizes itself at load (with ops of a later opset): what reads it stays float.
        var floatOutputs = new Queue<string>(g.Node.Where(n => n.OpType == "Conv" && IsCandidate(n) && !quantized.Contains(n)).Select(n => n.Output[0]));
        while (floatOutputs.TryDequeue(out string? tensor))
        {
            foreach (var c in consumers[tensor])
            {
                if ((quantized.Remove(c) && c.OpType == "Conv") || c.OpType == "Relu")
                {
                    floatOutputs.Enqueue(c.Output[0]);
                }
            }
        }

        foreach (var conv in quantized.Where(n => n.OpType == "Conv"))
        {
            if (consumers[conv.Output[0]].ToList() is [{ OpType: "Relu" } relu] && !outputs.Contains(conv.Output[0]))
            {
                conv.Output[0] = relu.Output[0];
                g.Node.Remove(relu);
            }
        }

        var activations = quantized
            .SelectMany(n => (n.OpType == "Conv" ? [n.Input[0]] : n.Input.ToList()).Append(n.Output[0]))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new QdqPlan(model, quantized, activations);
    }
}
