using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// Collects ONNX nodes and initializers into one graph with a float NCHW input and a float output, each with a free
/// batch dimension: how the trainer exports its networks and how fetched weights of other formats become models.
/// </summary>
public sealed class OnnxGraphBuilder(string graphName, string producer)
{
    private readonly GraphProto _graph = new() { Name = graphName };
    private int _next;

    /// <summary>A fresh value name with a readable prefix.</summary>
    public string Name(string prefix) => $"{prefix}_{_next++}";

    /// <summary>Adds float values as an initializer of <paramref name="shape"/> and returns its name.</summary>
    public string Initializer(ReadOnlySpan<float> values, string prefix, params long[] shape) =>
        Add(TensorData.Create(Name(prefix), TensorProto.Types.DataType.Float, values, shape));

    /// <summary>Adds 64-bit integers (the shapes and pads some operators take as inputs) and returns its name.</summary>
    public string Initializer(ReadOnlySpan<long> values, string prefix, params long[] shape) =>
        Add(TensorData.Create(Name(prefix), TensorProto.Types.DataType.Int64, values, shape));

    /// <summary>Adds a node and returns the name of its (single) output.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Name(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>The finished model (opset 17): one NCHW float input, one output of <paramref name="outputSize"/> a row.</summary>
    public ModelProto Build(string input, int channels, int size, string output, int outputSize)
    {
        _graph.Input.Add(Value(input, [null, channels, size, size]));
        _graph.Output.Add(Value(output, [null, outputSize]));
        var model = new ModelProto { IrVersion = 8, ProducerName = producer, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private string Add(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static ValueInfoProto Value(string name, int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
