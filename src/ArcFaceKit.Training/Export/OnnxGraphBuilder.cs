using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Export;

/// <summary>Collects ONNX nodes and float initializers (weights copied from TorchSharp tensors) into one graph.</summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "backbone" };
    private int _next;

    /// <summary>A fresh value name with a readable prefix.</summary>
    public string Name(string prefix) => $"{prefix}_{_next++}";

    /// <summary>Adds a tensor's values (as float32) as an initializer and returns its name.</summary>
    public string Initializer(Tensor value, string prefix, long[]? shape = null)
    {
        string name = Name(prefix);
        var data = value.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(shape ?? value.shape);
        proto.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        _graph.Initializer.Add(proto);
        return name;
    }

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

    /// <summary>The finished model: one NCHW float input with a free batch dimension, one output.</summary>
    public ModelProto Build(string input, int channels, int size, string output, int outputSize)
    {
        _graph.Input.Add(Value(input, [null, channels, size, size]));
        _graph.Output.Add(Value(output, [null, outputSize]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "ArcFaceKit.Training", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
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
