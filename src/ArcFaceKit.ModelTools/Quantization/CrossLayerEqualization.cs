using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// Cross-layer equalization (Nagel et al., "Data-Free Quantization", ICCV 2019), an exact float rewrite made before
/// quantizing. With batch norm folded in, a MobileFaceNet conv's output channels differ in range by 40x and more, and
/// one uint8 range per tensor then loses the small channels. For Conv -> PRelu/Relu -> Conv, channel i of the first
/// conv is divided by s_i and the matching input channel of the second multiplied by it (PRelu and Relu commute with a
/// positive scale), s_i = sqrt(r1_i * r2_i) / r2_i, which gives both convs' channel i the same weight range.
/// </summary>
internal static class CrossLayerEqualization
{
    private const int Passes = 3;
    private const float MinRange = 1e-6f;
    private const float MaxScale = 1024f;

    /// <summary>Equalizes every such pair in place; returns how many pairs were found.</summary>
    public static int Apply(ModelProto model)
    {
        var g = model.Graph;
        var initializers = g.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = GraphEdits.Consumers(g);
        var outputs = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var pairs = new List<(NodeProto First, NodeProto Second)>();
        foreach (var first in g.Node.Where(n => n.OpType == "Conv" && HasConstantWeights(n, initializers)))
        {
            if (consumers[first.Output[0]].ToList() is [{ OpType: "PRelu" or "Relu" } activation]
                && !outputs.Contains(first.Output[0]) && !outputs.Contains(activation.Output[0])
                && consumers[activation.Output[0]].ToList() is [{ OpType: "Conv" } second]
                && HasConstantWeights(second, initializers) && second.Input[0] == activation.Output[0])
            {
                pairs.Add((first, second));
            }
        }

        for (int pass = 0; pass < Passes; pass++)
        {
            foreach (var (first, second) in pairs)
            {
                Equalize(first, second, initializers);
            }
        }

        return pairs.Count;
    }

    private static bool HasConstantWeights(NodeProto conv, Dictionary<string, TensorProto> initializers) =>
        conv.Input.Count >= 2 && initializers.ContainsKey(conv.Input[1]) && (conv.Input.Count < 3 || conv.Input[2].Length == 0 || initializers.ContainsKey(conv.Input[2]));

    private static void Equalize(NodeProto first, NodeProto second, Dictionary<string, TensorProto> initializers)
    {
        var w1Tensor = initializers[first.Input[1]];
        var w2Tensor = initializers[second.Input[1]];
        float[] w1 = TensorData.Floats(w1Tensor), w2 = TensorData.Floats(w2Tensor);
        int channels = (int)w1Tensor.Dims[0];
        long group = second.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        int out2 = (int)w2Tensor.Dims[0], in2 = (int)w2Tensor.Dims[1], kernel2 = w2.Length / (out2 * in2);
        bool depthwise = group == channels && in2 == 1 && out2 == channels;
        if (!depthwise && (group != 1 || in2 != channels))
        {
            return; // grouped convolutions other than depthwise: channels do not line up one to one
        }

        int per1 = w1.Length / channels;
        var scales = new float[channels];
        for (int i = 0; i < channels; i++)
        {
            float r1 = MaxAbs(w1.AsSpan(i * per1, per1));
            float r2 = depthwise ? MaxAbs(w2.AsSpan(i * kernel2, kernel2)) : InputChannelMaxAbs(w2, out2, in2, kernel2, i);
            // A dead channel (weights near zero on either side) keeps its scale: dividing by its range would overflow.
            scales[i] = r1 > MinRange && r2 > MinRange ? Math.Clamp(MathF.Sqrt(r1 * r2) / r2, 1f / MaxScale, MaxScale) : 1f;
        }

        for (int i = 0; i < channels; i++)
        {
            Scale(w1.AsSpan(i * per1, per1), 1f / scales[i]);
            if (depthwise)
            {
                Scale(w2.AsSpan(i * kernel2, kernel2), scales[i]);
            }
            else
            {
                for (int o = 0; o < out2; o++)
                {
                    Scale(w2.AsSpan(((o * in2) + i) * kernel2, kernel2), scales[i]);
                }
            }
        }

        TensorData.SetFloats(w1Tensor, w1);
        TensorData.SetFloats(w2Tensor, w2);
        if (first.Input.Count >= 3 && first.Input[2].Length > 0)
        {
            var bTensor = initializers[first.Input[2]];
            float[] b = TensorData.Floats(bTensor);
            for (int i = 0; i < channels; i++)
            {
                b[i] /= scales[i];
            }

            TensorData.SetFloats(bTensor, b);
        }
    }

    private static float InputChannelMaxAbs(float[] w, int outputs, int inputs, int kernel, int channel)
    {
        float max = 0;
        for (int o = 0; o < outputs; o++)
        {
            max = Math.Max(max, MaxAbs(w.AsSpan(((o * inputs) + channel) * kernel, kernel)));
        }

        return max;
    }

    private static float MaxAbs(ReadOnlySpan<float> values) => values.IsEmpty ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));

    private static void Scale(Span<float> values, float factor) => System.Numerics.Tensors.TensorPrimitives.Multiply(values, factor, values);
}
