namespace ArcFaceKit.Models.Tflite;

/// <summary>
/// TOCO's spelling of PReLU, found in a TensorFlow Lite graph: y = RELU(x) + MUL(SUB(x, ABS(x)), c), each step used
/// only by the next and without a fused activation; then y = PReLU(x) with slope 2c (x - |x| is 2x below zero, 0 above).
/// </summary>
internal sealed class PReluPatterns
{
    private PReluPatterns(Dictionary<TfliteOperator, PRelu> byAdd, HashSet<TfliteOperator> absorbed)
    {
        ByAdd = byAdd;
        Absorbed = absorbed;
    }

    /// <summary>Each pattern's final ADD, with the PReLU that replaces the pattern.</summary>
    public IReadOnlyDictionary<TfliteOperator, PRelu> ByAdd { get; }

    /// <summary>The RELU, ABS, SUB and MUL of the patterns: made by the PReLU, not translated.</summary>
    public IReadOnlySet<TfliteOperator> Absorbed { get; }

    public static PReluPatterns Find(TfliteModel model)
    {
        var producer = new Dictionary<int, TfliteOperator>();
        var uses = new Dictionary<int, int>();
        foreach (var op in model.Operators)
        {
            producer[op.Outputs[0]] = op;
            foreach (int i in op.Inputs)
            {
                uses[i] = uses.GetValueOrDefault(i) + 1;
            }
        }

        foreach (int o in model.Outputs)
        {
            uses[o] = uses.GetValueOrDefault(o) + 1;
        }

        TfliteOperator? Only(int tensor, string name) =>
            producer.TryGetValue(tensor, out var op) && op.Name == name && uses.GetValueOrDefault(tensor) == 1 && (op.Options?.Byte(0) ?? 0) == 0 ? op : null;

        var byAdd = new Dictionary<TfliteOperator, PRelu>();
        var absorbed = new HashSet<TfliteOperator>();
        foreach (var add in model.Operators.Where(o => o.Name == "ADD" && o.Inputs.Length == 2 && (o.Options?.Byte(0) ?? 0) == 0))
        {
            foreach (var (reluOut, mulOut) in new[] { (add.Inputs[0], add.Inputs[1]), (add.Inputs[1], add.Inputs[0]) })
            {
                if (Only(reluOut, "RELU") is not { } relu || Only(mulOut, "MUL") is not { } mul)
                {
                    continue;
                }

                int x = relu.Inputs[0];
                int constant = model.Constant(mul.Inputs[1]) is not null ? mul.Inputs[1] : mul.Inputs[0];
                int subOut = constant == mul.Inputs[1] ? mul.Inputs[0] : mul.Inputs[1];
                if (model.Constant(constant) is not { } halves || Only(subOut, "SUB") is not { } sub || sub.Inputs[0] != x
                    || Only(sub.Inputs[1], "ABS") is not { } abs || abs.Inputs[0] != x || model.Tensors[x].Shape is not [_, _, _, int channels]
                    || (halves.Length != channels && halves.Length != 1))
                {
                    continue;
                }

                byAdd[add] = new PRelu(x, halves.Length == channels ? halves : [.. Enumerable.Repeat(halves[0], channels)]);
                absorbed.UnionWith([relu, mul, sub, abs]);
                break;
            }
        }

        return new PReluPatterns(byAdd, absorbed);
    }

    /// <summary>A PReLU of tensor <paramref name="Input"/> whose slope per channel is twice <paramref name="Halves"/>.</summary>
    internal sealed record PRelu(int Input, float[] Halves);
}
