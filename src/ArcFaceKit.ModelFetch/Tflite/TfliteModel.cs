using System.Runtime.InteropServices;

namespace ArcFaceKit.Models.Tflite;

/// <summary>
/// The first subgraph of a TensorFlow Lite model (schema.fbs, file identifier TFL3), as far as a float32 graph needs:
/// its tensors with their constant data, its operators in order, its inputs and outputs.
/// </summary>
internal sealed class TfliteModel
{
    private const int Float32 = 0;
    private readonly IReadOnlyList<FlatTable> _buffers;

    private TfliteModel(byte[] file)
    {
        var model = FlatTable.Root(file, "TFL3");
        var subgraphs = model.Tables(2);
        if (subgraphs.Count == 0)
        {
            throw new ModelContractException("This TensorFlow Lite model has no graph.");
        }

        _buffers = model.Tables(4);
        string[] codes = [.. model.Tables(1).Select(OperatorName)];
        var graph = subgraphs[0];
        Tensors = [.. graph.Tables(0).Select(t => new TfliteTensor(t.String(3) ?? "", t.Ints(0), t.Byte(1), (int)t.UInt(2)))];
        Operators = [.. graph.Tables(3).Select(o =>
        {
            uint code = o.UInt(0);
            return new TfliteOperator(code < codes.Length ? codes[code] : throw new ModelContractException($"An operator names code {code}; the model lists {codes.Length}."), o.Ints(1), o.Ints(2), o.Table(4));
        })];
        Inputs = graph.Ints(1);
        Outputs = graph.Ints(2);
        foreach (int index in Operators.SelectMany(o => o.Inputs.Concat(o.Outputs)).Concat(Inputs).Concat(Outputs))
        {
            if (index >= Tensors.Count || index < -1)
            {
                throw new ModelContractException($"An operator names tensor {index}; the graph holds {Tensors.Count}.");
            }
        }
    }

    public IReadOnlyList<TfliteTensor> Tensors { get; }

    public IReadOnlyList<TfliteOperator> Operators { get; }

    public IReadOnlyList<int> Inputs { get; }

    public IReadOnlyList<int> Outputs { get; }

    public static TfliteModel Read(byte[] file) => new(file);

    /// <summary>A tensor's constant values (float32), or null for an activation (a tensor without data).</summary>
    public float[]? Constant(int tensor)
    {
        var t = Tensors[tensor];
        if (t.Buffer <= 0 || t.Buffer >= _buffers.Count || _buffers[t.Buffer].Bytes(0) is not { Length: > 0 } bytes)
        {
            return null;
        }

        if (t.Type != Float32)
        {
            throw new ModelContractException($"Tensor {t.Name} holds type {t.Type}; only float32 weights are converted (a quantized model is not).");
        }

        long count = t.Shape.Aggregate(1L, (a, b) => a * b);
        return bytes.Length == count * sizeof(float)
            ? MemoryMarshal.Cast<byte, float>(bytes.Span).ToArray()
            : throw new ModelContractException($"Tensor {t.Name} of shape [{string.Join(", ", t.Shape)}] has {bytes.Length} bytes of data.");
    }

    /// <summary>The operator's name: a builtin's schema name (its newer 32-bit code when present), or the custom op's own.</summary>
    private static string OperatorName(FlatTable code)
    {
        if (code.String(1) is { } custom)
        {
            return $"custom operator {custom}";
        }

        int builtin = Math.Max(code.Byte(0), code.Int(3));
        return Builtins.TryGetValue(builtin, out var name) ? name : $"builtin operator {builtin}";
    }

    // BuiltinOperator values of schema.fbs: the ones converted, and common ones an unsupported model may name.
    private static readonly Dictionary<int, string> Builtins = new()
    {
        [0] = "ADD", [1] = "AVERAGE_POOL_2D", [2] = "CONCATENATION", [3] = "CONV_2D", [4] = "DEPTHWISE_CONV_2D",
        [6] = "DEQUANTIZE", [9] = "FULLY_CONNECTED", [11] = "L2_NORMALIZATION", [14] = "LOGISTIC", [17] = "MAX_POOL_2D",
        [18] = "MUL", [19] = "RELU", [21] = "RELU6", [22] = "RESHAPE", [23] = "RESIZE_BILINEAR", [25] = "SOFTMAX",
        [28] = "TANH", [34] = "PAD", [39] = "TRANSPOSE", [40] = "MEAN", [41] = "SUB", [54] = "PRELU", [101] = "ABS",
    };
}

/// <summary>A tensor: its name, shape (NHWC for images), schema type and buffer index (0: no data).</summary>
internal sealed record TfliteTensor(string Name, int[] Shape, byte Type, int Buffer);

/// <summary>An operator: its name, input and output tensors (-1: an optional input left out) and builtin options.</summary>
internal sealed record TfliteOperator(string Name, int[] Inputs, int[] Outputs, FlatTable? Options);
