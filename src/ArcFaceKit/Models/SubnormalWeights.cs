using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models;

/// <summary>
/// Zeroes subnormal float weights in an ONNX model. CPU kernels fall into slow microcode on subnormals
/// (faceplugin_fr_feature ran 3-4x slower); their values are below 1.2e-38, so outputs do not change.
/// </summary>
internal static class SubnormalWeights
{
    /// <summary>Zeroes the subnormal float initializers in place; returns how many.</summary>
    public static int FlushToZero(ModelProto model)
    {
        int flushed = 0;
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            {
                continue;
            }

            if (!tensor.RawData.IsEmpty)
            {
                var raw = tensor.RawData.ToByteArray();
                int n = Flush(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.AsSpan()));
                if (n > 0)
                {
                    tensor.RawData = ByteString.CopyFrom(raw);
                    flushed += n;
                }
            }
            else
            {
                for (int i = 0; i < tensor.FloatData.Count; i++)
                {
                    if (float.IsSubnormal(tensor.FloatData[i]))
                    {
                        tensor.FloatData[i] = 0f;
                        flushed++;
                    }
                }
            }
        }

        return flushed;
    }

    private static int Flush(Span<float> values)
    {
        int n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsSubnormal(values[i]))
            {
                values[i] = 0f;
                n++;
            }
        }

        return n;
    }
}
