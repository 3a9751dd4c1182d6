using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// Frees a batch dimension fixed at 1 (faceplugin_fr_feature and most exported embedders), so faces embed in batches:
/// the input's and outputs' first dimension become symbolic, shapes recorded for intermediate tensors are dropped, and a
/// constant Reshape target starting with 1 gets 0 (copy the batch). Whether the graph then really computes each face
/// alone is not assumed: <see cref="SameOutputs"/> compares a batch of two with two single runs, and the caller keeps
/// the fixed model when they differ.
/// </summary>
internal static class FreeBatch
{
    /// <summary>Frees the batch in place; false (and the model untouched) when its batch is not a fixed 1.</summary>
    public static bool Rewrite(ModelProto model)
    {
        var g = model.Graph;
        var initializerNames = g.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var input = g.Input.FirstOrDefault(i => !initializerNames.Contains(i.Name));
        if (input is null || FirstDimension(input) is not { DimValue: 1 } || g.Output.Any(o => FirstDimension(o) is not { DimValue: 1 }))
        {
            return false;
        }

        foreach (var value in g.Output.Append(input))
        {
            FirstDimension(value)!.DimParam = "batch";
        }

        g.ValueInfo.Clear();
        var initializers = g.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var reshape in g.Node.Where(n => n.OpType == "Reshape" && n.Input.Count == 2))
        {
            if (initializers.TryGetValue(reshape.Input[1], out var shape) && shape.DataType == (int)TensorProto.Types.DataType.Int64)
            {
                long[] dims = shape.RawData.IsEmpty ? [.. shape.Int64Data] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(shape.RawData.Span).ToArray();
                if (dims.Length > 0 && dims[0] == 1)
                {
                    dims[0] = 0;
                    shape.Int64Data.Clear();
                    shape.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(dims.AsSpan()));
                }
            }
        }

        return true;
    }

    /// <summary>True when a batch of two random inputs gives, face by face, the outputs of single runs of the fixed model.</summary>
    public static bool SameOutputs(InferenceSession batched, InferenceSession single)
    {
        string name = single.InputMetadata.Keys.First();
        int[] dims = single.InputMetadata[name].Dimensions;
        if (dims.Skip(1).Any(d => d <= 0))
        {
            return false;
        }

        int size = dims.Skip(1).Aggregate(1, (a, b) => a * b);
        var random = new Random(12345);
        var data = new float[2 * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        using var runOptions = new RunOptions();
        var together = Run(batched, runOptions, name, data, [2, .. dims.Skip(1).Select(d => (long)d)]);
        for (int face = 0; face < 2; face++)
        {
            var alone = Run(single, runOptions, name, data.AsSpan(face * size, size).ToArray(), [1, .. dims.Skip(1).Select(d => (long)d)]);
            for (int o = 0; o < alone.Length; o++)
            {
                int n = alone[o].Length;
                if (together[o].Length != 2 * n)
                {
                    return false;
                }

                for (int i = 0; i < n; i++)
                {
                    if (Math.Abs(together[o][(face * n) + i] - alone[o][i]) > 1e-4f * (1 + Math.Abs(alone[o][i])))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static float[][] Run(InferenceSession session, RunOptions runOptions, string name, float[] data, long[] shape)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var outputs = session.Run(runOptions, [name], [tensor], [.. session.OutputMetadata.Keys]);
        return [.. outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray())];
    }

    private static TensorShapeProto.Types.Dimension? FirstDimension(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape?.Dim is { Count: > 0 } dims ? dims[0] : null;
}
