using System.Runtime.InteropServices;
using Google.FlatBuffers;

namespace ArcFaceKit.Tests;

/// <summary>Writes small float32 TensorFlow Lite graphs (schema.fbs field numbers) for the converter's tests.</summary>
internal sealed class TfliteBuilder
{
    private readonly List<(string Name, int[] Shape, float[]? Data)> _tensors = [];
    private readonly List<(int Code, int[] Inputs, int[] Outputs, byte OptionsType, Func<FlatBufferBuilder, int>? Options)> _operators = [];

    public int Tensor(string name, int[] shape, float[]? data = null)
    {
        _tensors.Add((name, shape, data));
        return _tensors.Count - 1;
    }

    /// <summary>An operator by its BuiltinOperator code, with its options table (BuiltinOptions union type and a writer).</summary>
    public int Op(int code, int[] inputs, int output, byte optionsType = 0, Func<FlatBufferBuilder, int>? options = null)
    {
        _operators.Add((code, inputs, [output], optionsType, options));
        return output;
    }

    /// <summary>Conv2DOptions (1) or DepthwiseConv2DOptions (2): padding (SAME 0, VALID 1), strides, multiplier, fused activation.</summary>
    public static Func<FlatBufferBuilder, int> ConvOptions(bool depthwise, byte padding, int stride, byte activation, int multiplier = 1) => b =>
    {
        b.StartTable(depthwise ? 7 : 6);
        b.AddByte(0, padding, 255);
        b.AddInt(1, stride, 0);
        b.AddInt(2, stride, 0);
        if (depthwise)
        {
            b.AddInt(3, multiplier, 0);
        }

        b.AddByte(depthwise ? 4 : 3, activation, 0);
        return b.EndTable();
    };

    /// <summary>AddOptions (11), SubOptions (28), MulOptions (21): the fused activation in field 0.</summary>
    public static Func<FlatBufferBuilder, int> ActivationOptions(byte activation) => b =>
    {
        b.StartTable(1);
        b.AddByte(0, activation, 0);
        return b.EndTable();
    };

    public byte[] Build(int input, int output)
    {
        var b = new FlatBufferBuilder(1024);
        var buffers = new List<int> { Table(b, () => { }, 1) };
        var tensors = new List<int>();
        foreach (var (name, shape, data) in _tensors)
        {
            int buffer = 0;
            if (data is not null)
            {
                var bytes = MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
                b.StartVector(1, bytes.Length, 16);
                for (int i = bytes.Length - 1; i >= 0; i--)
                {
                    b.AddByte(bytes[i]);
                }

                var vector = b.EndVector();
                buffers.Add(Table(b, () => b.AddOffset(0, vector.Value, 0), 3));
                buffer = buffers.Count - 1;
            }

            var nameOffset = b.CreateString(name);
            var shapeOffset = Ints(b, shape);
            tensors.Add(Table(b, () =>
            {
                b.AddOffset(0, shapeOffset, 0);
                b.AddByte(1, 0, 255);     // FLOAT32, written even though it is the default
                b.AddUint(2, (uint)buffer, uint.MaxValue);
                b.AddOffset(3, nameOffset.Value, 0);
            }, 8));
        }

        var codes = _operators.Select(o => o.Code).Distinct().ToList();
        var codeTables = codes.Select(c => Table(b, () =>
        {
            b.AddSbyte(0, (sbyte)Math.Min(c, 127), -1);
            b.AddInt(3, c, -1);
        }, 4)).ToList();
        var operators = new List<int>();
        foreach (var (code, inputs, outputs, optionsType, options) in _operators)
        {
            int inputsOffset = Ints(b, inputs), outputsOffset = Ints(b, outputs);
            int optionsOffset = options?.Invoke(b) ?? 0;
            operators.Add(Table(b, () =>
            {
                b.AddUint(0, (uint)codes.IndexOf(code), uint.MaxValue);
                b.AddOffset(1, inputsOffset, 0);
                b.AddOffset(2, outputsOffset, 0);
                b.AddByte(3, optionsType, 0);
                if (optionsOffset != 0)
                {
                    b.AddOffset(4, optionsOffset, 0);
                }
            }, 5));
        }

        int tensorVector = Offsets(b, tensors), graphInputs = Ints(b, [input]), graphOutputs = Ints(b, [output]), operatorVector = Offsets(b, operators);
        int subgraph = Table(b, () =>
        {
            b.AddOffset(0, tensorVector, 0);
            b.AddOffset(1, graphInputs, 0);
            b.AddOffset(2, graphOutputs, 0);
            b.AddOffset(3, operatorVector, 0);
        }, 5);
        int codeVector = Offsets(b, codeTables), subgraphVector = Offsets(b, [subgraph]), bufferVector = Offsets(b, buffers);
        int model = Table(b, () =>
        {
            b.AddUint(0, 3, 0);
            b.AddOffset(1, codeVector, 0);
            b.AddOffset(2, subgraphVector, 0);
            b.AddOffset(4, bufferVector, 0);
        }, 5);
        b.Finish(model, "TFL3");
        return b.SizedByteArray();
    }

    private static int Table(FlatBufferBuilder b, Action fields, int count)
    {
        b.StartTable(count);
        fields();
        return b.EndTable();
    }

    private static int Ints(FlatBufferBuilder b, int[] values)
    {
        b.StartVector(4, values.Length, 4);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            b.AddInt(values[i]);
        }

        return b.EndVector().Value;
    }

    private static int Offsets(FlatBufferBuilder b, List<int> tables)
    {
        b.StartVector(4, tables.Count, 4);
        for (int i = tables.Count - 1; i >= 0; i--)
        {
            b.AddOffset(tables[i]);
        }

        return b.EndVector().Value;
    }
}
