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
    private readonly NodeProto _maker;
    private readonly IReadOnlyList<NodeProto> _readers;
    private readonly Dictionary<string, TensorProto> _initializers;

    private ChannelSigns(NodeProto maker, IReadOnlyList<NodeProto> readers, Dictionary<string, TensorProto> initializers)
    {
        _maker = maker;
        _readers = readers;
        _initializers = initializers;
    }

    /// <summary>
    /// The fold for a tensor made by <paramref name="maker"/> and read, through <paramref name="passThrough"/> (which
    /// keeps each channel's sign: the rewritten PRelu), by <paramref name="readers"/>; null when a weight is shared, a
    /// tensor is a graph output or a reader is not a Conv taking it as data.
    /// </summary>
    public static ChannelSigns? For(GraphProto g, NodeProto? maker, NodeProto passThrough, IReadOnlyList<NodeProto> readers, Dictionary<string, TensorProto> initializers, ILookup<string, NodeProto> consumers)
    {
        var outputs = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var uses = g.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).CountBy(i => i, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        bool OwnWeights(NodeProto conv) => conv.OpType == "Conv" && conv.Domain.Length == 0
            && conv.Input.Skip(1).Where(i => i.Length > 0).All(i => initializers.TryGetValue(i, out var t) && TensorData.IsFloat(t) && uses[i] == 1);

        bool fits = maker is not null && OwnWeights(maker) && !outputs.Contains(maker.Output[0]) && consumers[maker.Output[0]].Count() == 1
            && !outputs.Contains(passThrough.Output[0]) && readers.Count > 0
            && readers.All(r => OwnWeights(r) && r.Input[0] == passThrough.Output[0] && !r.Input.Skip(1).Contains(passThrough.Output[0]));
        return fits ? new ChannelSigns(maker!, readers, initializers) : null;
    }

    /// <summary>Negates the channels marked true.</summary>
    public void Negate(bool[] negated)
    {
        // The maker's weight and bias: one row (first dimension) an output channel.
        foreach (string name in _maker.Input.Skip(1).Where(i => i.Length > 0))
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
        foreach (var reader in _readers)
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
    }

    private static void Negate(float[] values, int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            values[i] = -values[i];
        }
    }
}
