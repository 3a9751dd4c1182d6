using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// Negates chosen channels of a tensor made by a Conv and read only by Convs, by negating the maker's output rows and
/// the readers' matching input columns: the graph computes exactly the same function (a negated sum is the sum of the
/// negated terms, and (-w)(-x) = wx), while the tensor in between holds -x on those channels. PReluRewrite uses it to
/// give a PRelu with slopes on both sides of 1 the one-conv form.
/// </summary>
internal sealed class ChannelSigns
{
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly ILookup<string, NodeProto> _consumers;
    private readonly HashSet<string> _outputs;
    private readonly Dictionary<string, int> _uses;
    private readonly Dictionary<string, NodeProto> _makers;

    /// <summary>What the checks need of <paramref name="g"/>, taken once for all the tensors negated in it.</summary>
    public ChannelSigns(GraphProto g, Dictionary<string, TensorProto> initializers, ILookup<string, NodeProto> consumers)
    {
        _initializers = initializers;
        _consumers = consumers;
        _outputs = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _uses = g.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).CountBy(i => i, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        _makers = g.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
    }

    /// <summary>
    /// Negates the marked channels of the tensor that <paramref name="passThrough"/> (which keeps each channel's sign: the
    /// rewritten PRelu) reads, made by a Conv, and of its own output, read by Convs; false, changing nothing, when the
    /// maker is not a Conv, a weight is shared, a tensor is a graph output or a reader is not a Conv taking it as data.
    /// </summary>
    public bool TryNegate(NodeProto passThrough, bool[] negated)
    {
        var maker = _makers.GetValueOrDefault(passThrough.Input[0]);
        var readers = _consumers[passThrough.Output[0]].ToList();
        bool fits = maker is not null && OwnWeights(maker) && !_outputs.Contains(maker.Output[0]) && _consumers[maker.Output[0]].Count() == 1
            && !_outputs.Contains(passThrough.Output[0]) && readers.Count > 0
            && readers.All(r => OwnWeights(r) && r.Input[0] == passThrough.Output[0] && !r.Input.Skip(1).Contains(passThrough.Output[0]));
        if (!fits)
        {
            return false;
        }

        // The maker's weight and bias: one row (first dimension) an output channel.
        foreach (string name in maker!.Input.Skip(1).Where(i => i.Length > 0))
        {
            var t = _initializers[name];
            var values = TensorData.Floats(t);
            int row = values.Length / negated.Length;
            for (int c = 0; c < negated.Length; c++)
            {
                if (negated[c])
                {
                    Negate(values, c * row, row);
                }
            }

            TensorData.SetFloats(t, values);
        }

        // Each reader's weight [outputs, inputs a group, kh, kw]: input channel c is column c % inputs-a-group of its group's outputs.
        foreach (var reader in readers)
        {
            var weight = _initializers[reader.Input[1]];
            long groups = reader.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
            int outputs = (int)weight.Dims[0], perGroupIn = (int)weight.Dims[1], perGroupOut = (int)(outputs / groups);
            var values = TensorData.Floats(weight);
            int kernel = values.Length / (outputs * perGroupIn);
            for (int c = 0; c < negated.Length; c++)
            {
                if (negated[c])
                {
                    int group = c / perGroupIn;
                    for (int m = group * perGroupOut; m < (group + 1) * perGroupOut; m++)
                    {
                        Negate(values, ((m * perGroupIn) + (c % perGroupIn)) * kernel, kernel);
                    }
                }
            }

            TensorData.SetFloats(weight, values);
        }

        return true;
    }

    /// <summary>A Conv whose weight and bias are float initializers no other node reads.</summary>
    private bool OwnWeights(NodeProto conv) => conv.OpType == "Conv" && conv.Domain.Length == 0
        && conv.Input.Skip(1).Where(i => i.Length > 0).All(i => _initializers.TryGetValue(i, out var t) && TensorData.IsFloat(t) && _uses[i] == 1);

    private static void Negate(float[] values, int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            values[i] = -values[i];
        }
    }
}
