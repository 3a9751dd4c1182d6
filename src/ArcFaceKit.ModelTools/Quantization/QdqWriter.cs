using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// Writes the QDQ form of a plan: uint8 activations (asymmetric, per tensor, from the calibrated ranges), int8 weights
/// (symmetric, per output channel), int32 biases at the input scale times each channel's weight scale: the U8S8 layout
/// ONNX Runtime's CPU kernels fuse into QLinearConv and QLinearAdd. The quantize/dequantize nodes are the com.microsoft
/// ones, which take a per-channel axis under any opset, so the model's own opset (9 and 11 here) stays as it is.
/// </summary>
internal static class QdqWriter
{
    private const string Domain = "com.microsoft";

    public static ModelProto Write(QdqPlan plan, IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        var model = plan.Model.Clone();
        var g = model.Graph;
        var quantizedConvs = plan.QuantizedNodes.Where(n => n.OpType == "Conv").Select(n => n.Output[0]).ToHashSet(StringComparer.Ordinal);
        var initializers = g.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var activations = plan.Activations.ToHashSet(StringComparer.Ordinal);
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>();

        void QuantizeActivation(string tensor)
        {
            var (scale, zero) = ranges[tensor].ToUInt8();
            scales[tensor] = scale;
            g.Initializer.Add(TensorData.Create(tensor + "_scale", TensorProto.Types.DataType.Float, [scale]));
            g.Initializer.Add(TensorData.Create(tensor + "_zero_point", TensorProto.Types.DataType.Uint8, [zero]));
            nodes.Add(Node("QuantizeLinear", [tensor, tensor + "_scale", tensor + "_zero_point"], tensor + "_quantized"));
            nodes.Add(Node("DequantizeLinear", [tensor + "_quantized", tensor + "_scale", tensor + "_zero_point"], tensor + "_dequantized"));
        }

        foreach (var input in g.Input.Where(i => activations.Contains(i.Name)))
        {
            QuantizeActivation(input.Name);
        }

        foreach (var node in g.Node)
        {
            // Consumers read the dequantized tensor; only the quantize node reads the float one.
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (activations.Contains(node.Input[i]))
                {
                    node.Input[i] += "_dequantized";
                }
            }

            if (node.OpType == "Conv" && quantizedConvs.Contains(node.Output[0]))
            {
                float inputScale = scales[node.Input[0][..^"_dequantized".Length]];
                nodes.AddRange(QuantizeConvConstants(g, node, initializers, inputScale));
            }

            nodes.Add(node);
            foreach (var output in node.Output.Where(activations.Contains))
            {
                QuantizeActivation(output);
            }
        }

        g.Node.Clear();
        g.Node.AddRange(nodes);
        GraphEdits.RemoveUnusedInitializers(g);
        if (!model.OpsetImport.Any(o => o.Domain == Domain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        }

        return model;
    }

    /// <summary>
    /// Signed 8-bit weights where the CPU has VNNI. Without it (AVX2, AVX-512BW alone) ONNX Runtime multiplies u8
    /// activations by s8 weights with VPMADDUBSW, whose 16-bit pair sums saturate (255 x 127 x 2 > 32767): measured on
    /// an AMD EPYC without AVX-VNNI, quantized YuNet found none of the faces its parent found and MobileFaceNet's embeddings fell to
    /// a cosine of 0.88 with its parent's. There the same weights are stored unsigned, offset by 128, and run u8 x u8.
    /// </summary>
    private static readonly bool SignedWeights = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported || !System.Runtime.Intrinsics.X86.Avx2.IsSupported;

    /// <summary>Per-channel int8 weights and int32 bias for one Conv; returns their dequantize nodes and rewires the Conv.</summary>
    private static IEnumerable<NodeProto> QuantizeConvConstants(GraphProto g, NodeProto conv, Dictionary<string, TensorProto> initializers, float inputScale)
    {
        var weight = initializers[conv.Input[1]];
        float[] w = TensorData.Floats(weight);
        int channels = (int)weight.Dims[0], perChannel = w.Length / channels;
        var weightScales = new float[channels];
        var q = new sbyte[w.Length];
        for (int c = 0; c < channels; c++)
        {
            var row = w.AsSpan(c * perChannel, perChannel);
            float maxAbs = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row));
            // A channel whose weights are all near zero (faceplugin_fr_feature has thousands of subnormal weights) is
            // quantized to zeros: a scale of maxAbs/127 would itself be subnormal, and ONNX Runtime then leaves the
            // Conv unfused (float, twice as slow as the fp32 model).
            float scale = maxAbs > 1e-8f ? maxAbs / 127f : 1f;
            weightScales[c] = scale;
            for (int i = 0; i < perChannel; i++)
            {
                q[(c * perChannel) + i] = (sbyte)Math.Clamp(MathF.Round(row[i] / scale), -127f, 127f);
            }
        }

        string prefix = conv.Output[0] + "_conv";
        TensorProto quantizedWeight;
        if (SignedWeights)
        {
            quantizedWeight = TensorData.Create<sbyte>(prefix + "_weight_quantized", TensorProto.Types.DataType.Int8, q, [.. weight.Dims]);
            g.Initializer.Add(TensorData.Create<sbyte>(prefix + "_weight_zero_point", TensorProto.Types.DataType.Int8, new sbyte[channels], channels));
        }
        else
        {
            // The same values offset by 128, with zero point 128: ONNX Runtime then runs u8 x u8, which does not saturate.
            quantizedWeight = TensorData.Create<byte>(prefix + "_weight_quantized", TensorProto.Types.DataType.Uint8, [.. q.Select(v => (byte)(v + 128))], [.. weight.Dims]);
            g.Initializer.Add(TensorData.Create<byte>(prefix + "_weight_zero_point", TensorProto.Types.DataType.Uint8, [.. Enumerable.Repeat((byte)128, channels)], channels));
        }

        g.Initializer.Add(quantizedWeight);
        g.Initializer.Add(TensorData.Create<float>(prefix + "_weight_scale", TensorProto.Types.DataType.Float, weightScales, channels));
        yield return Node("DequantizeLinear", [quantizedWeight.Name, prefix + "_weight_scale", prefix + "_weight_zero_point"], prefix + "_weight", axis: 0);
        conv.Input[1] = prefix + "_weight";

        if (conv.Input.Count >= 3 && conv.Input[2].Length > 0)
        {
            float[] b = TensorData.Floats(initializers[conv.Input[2]]);
            var biasScales = weightScales.Select(s => s * inputScale).ToArray();
            var qb = b.Select((v, c) => (int)Math.Clamp(Math.Round(v / biasScales[c]), int.MinValue + 1, int.MaxValue)).ToArray();
            g.Initializer.Add(TensorData.Create<int>(prefix + "_bias_quantized", TensorProto.Types.DataType.Int32, qb, channels));
            g.Initializer.Add(TensorData.Create<float>(prefix + "_bias_scale", TensorProto.Types.DataType.Float, biasScales, channels));
            g.Initializer.Add(TensorData.Create<int>(prefix + "_bias_zero_point", TensorProto.Types.DataType.Int32, new int[channels], channels));
            yield return Node("DequantizeLinear", [prefix + "_bias_quantized", prefix + "_bias_scale", prefix + "_bias_zero_point"], prefix + "_bias", axis: 0);
            conv.Input[2] = prefix + "_bias";
        }
    }

    private static NodeProto Node(string op, string[] inputs, string output, int? axis = null)
    {
        var node = new NodeProto { OpType = op, Domain = Domain, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (axis is int a)
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        }

        return node;
    }
}
