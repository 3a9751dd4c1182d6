using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models;

/// <summary>Reads and writes the values of float initializers, whichever of the two ONNX storage forms they use.</summary>
internal static class TensorData
{
    public static bool IsFloat(TensorProto t) => t.DataType == (int)TensorProto.Types.DataType.Float;

    public static float[] Floats(TensorProto t) =>
        !IsFloat(t) ? throw new ModelContractException($"Initializer {t.Name} is not float32.")
        : t.RawData.IsEmpty ? [.. t.FloatData]
        : MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();

    /// <summary>An initializer holding <paramref name="values"/> as raw data; no dimensions make a scalar.</summary>
    public static TensorProto Create<T>(string name, TensorProto.Types.DataType type, ReadOnlySpan<T> values, params long[] dims)
        where T : unmanaged
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static void SetFloats(TensorProto t, float[] values)
    {
        t.FloatData.Clear();
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
