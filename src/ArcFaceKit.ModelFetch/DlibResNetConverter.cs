using System.Text.Json;
using Google.Protobuf;
using G = ArcFaceKit.Models.OnnxGraphBuilder;

namespace ArcFaceKit.Models;

/// <summary>
/// dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1, Davis King, public domain), as face-api.js
/// stores it (TF.js weights: a JSON list of tensors, most quantized to uint8 as q * scale + min, and one binary), written
/// as an ONNX model: 150x150 RGB crops in, 128 values out. The same bytes in give the same model out, byte for byte,
/// so the result is checked by its SHA-256 like a downloaded file. Each convolution's bias and the per-channel scale
/// layer after it are folded into its weights.
/// </summary>
internal static class DlibResNetConverter
{
    public const int InputSize = 150;
    public const int EmbeddingSize = 128;

    public static byte[] Convert(string weightsManifestJson, ReadOnlySpan<byte> weights)
    {
        var w = Read(weightsManifestJson, weights);
        var graph = new G("dlib_face_recognition_resnet_model_v1", "ArcFaceKit.ModelFetch");
        string x = Conv(graph, w, "input", "conv32_down", stride: 2, same: false, relu: true);       // 150 -> 72
        x = graph.Node("MaxPool", [x], G.Ints("kernel_shape", 3, 3), G.Ints("strides", 2, 2));       // -> 35
        int size = 35;

        // dlib's stages: a downsampling block (none in the first), then residual blocks named conv{width}_{n}.
        (string? Down, int Width, int Blocks)[] stages =
            [(null, 32, 3), ("conv64_down", 64, 3), ("conv128_down", 128, 2), ("conv256_down", 256, 2), ("conv256_down_out", 256, 0)];
        foreach (var (down, width, blocks) in stages)
        {
            if (down is not null)
            {
                (x, size) = ResidualDown(graph, w, x, down, size);
            }

            for (int b = 1; b <= blocks; b++)
            {
                x = Residual(graph, w, x, $"conv{width}_{b}");
            }
        }

        x = graph.Node("Flatten", [graph.Node("GlobalAveragePool", [x])]);
        var fc = Get(w, "fc");
        x = graph.Node("MatMul", [x, graph.Initializer(fc.Data, "fc", fc.Shape[0], fc.Shape[1])]);
        return graph.Build("input", 3, InputSize, x, EmbeddingSize).ToByteArray();
    }

    private static Tensor Get(Dictionary<string, Tensor> w, string name) =>
        w.TryGetValue(name, out var t) ? t : throw new ModelContractException($"These weights lack {name}: they are not dlib's face recognition ResNet as face-api.js stores it.");

    /// <summary>conv, bias and scale folded: (conv_W(x) + b) * s + t = conv_{W s}(x) + (b s + t); TF's [kh, kw, in, out] filters become ONNX's [out, in, kh, kw].</summary>
    private static string Conv(G graph, Dictionary<string, Tensor> w, string input, string prefix, int stride, bool same, bool relu)
    {
        var filters = Get(w, $"{prefix}/conv/filters");
        int kh = filters.Shape[0], kw = filters.Shape[1], cin = filters.Shape[2], cout = filters.Shape[3];
        float[] bias = Get(w, $"{prefix}/conv/bias").Data, scale = Get(w, $"{prefix}/scale/weights").Data, shift = Get(w, $"{prefix}/scale/biases").Data;
        var folded = new float[cout * cin * kh * kw];
        for (int o = 0; o < cout; o++)
        {
            for (int i = 0; i < cin; i++)
            {
                for (int y = 0; y < kh; y++)
                {
                    for (int xx = 0; xx < kw; xx++)
                    {
                        folded[(((o * cin) + i) * kh * kw) + (y * kw) + xx] = filters.Data[(((((y * kw) + xx) * cin) + i) * cout) + o] * scale[o];
                    }
                }
            }
        }

        float[] foldedBias = [.. Enumerable.Range(0, cout).Select(o => (bias[o] * scale[o]) + shift[o])];
        long pad = same ? kh / 2 : 0;
        string output = graph.Node("Conv", [input, graph.Initializer(folded, "w", cout, cin, kh, kw), graph.Initializer(foldedBias, "b", cout)],
            G.Ints("kernel_shape", kh, kw), G.Ints("strides", stride, stride), G.Ints("pads", pad, pad, pad, pad));
        return relu ? graph.Node("Relu", [output]) : output;
    }

    private static string Residual(G graph, Dictionary<string, Tensor> w, string input, string prefix)
    {
        string x = Conv(graph, w, Conv(graph, w, input, prefix + "/conv1", 1, same: true, relu: true), prefix + "/conv2", 1, same: true, relu: false);
        return graph.Node("Relu", [graph.Node("Add", [x, input])]);
    }

    /// <summary>
    /// dlib's downsampling block: a valid 3x3 stride-2 conv (then a same one) beside a 2x2 average pool of the input
    /// padded with zero channels; where the conv's map comes out a pixel smaller than the pool's (odd sizes), dlib's
    /// add pads it at the bottom and right with zeros.
    /// </summary>
    private static (string Output, int Size) ResidualDown(G graph, Dictionary<string, Tensor> w, string input, string prefix, int size)
    {
        string x = Conv(graph, w, Conv(graph, w, input, prefix + "/conv1", 2, same: false, relu: true), prefix + "/conv2", 1, same: true, relu: false);
        int cin = Get(w, prefix + "/conv1/conv/filters").Shape[2], cout = Get(w, prefix + "/conv2/conv/filters").Shape[3];
        int convSize = ((size - 3) / 2) + 1, poolSize = ((size - 2) / 2) + 1;
        string pooled = graph.Node("AveragePool", [input], G.Ints("kernel_shape", 2, 2), G.Ints("strides", 2, 2));
        if (cout != cin)
        {
            pooled = graph.Node("Pad", [pooled, graph.Initializer([0L, 0, 0, 0, 0, cout - cin, 0, 0], "pads", 8)]);
        }

        if (convSize != poolSize)
        {
            x = graph.Node("Pad", [x, graph.Initializer([0L, 0, 0, 0, 0, 0, poolSize - convSize, poolSize - convSize], "pads", 8)]);
        }

        return (graph.Node("Relu", [graph.Node("Add", [pooled, x])]), poolSize);
    }

    /// <summary>The named tensors, in the order the manifest lists them, read off the binary (which they must fill exactly).</summary>
    private static Dictionary<string, Tensor> Read(string manifestJson, ReadOnlySpan<byte> weights)
    {
        var tensors = new Dictionary<string, Tensor>();
        int offset = 0;
        using var manifest = JsonDocument.Parse(manifestJson);
        foreach (var entry in manifest.RootElement.EnumerateArray().SelectMany(group => group.GetProperty("weights").EnumerateArray()))
        {
            int[] shape = [.. entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];
            int count = shape.Aggregate(1, (a, b) => a * b);
            var data = new float[count];
            if (entry.TryGetProperty("quantization", out var q))
            {
                if (q.GetProperty("dtype").GetString() != "uint8")
                {
                    throw new ModelContractException($"Tensor {entry.GetProperty("name")} is quantized as {q.GetProperty("dtype")}; only uint8 is known.");
                }

                float scale = q.GetProperty("scale").GetSingle(), min = q.GetProperty("min").GetSingle();
                var bytes = weights.Slice(offset, count);
                for (int i = 0; i < count; i++)
                {
                    data[i] = (bytes[i] * scale) + min;
                }

                offset += count;
            }
            else
            {
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weights.Slice(offset, count * sizeof(float))).CopyTo(data);
                offset += count * sizeof(float);
            }

            tensors[entry.GetProperty("name").GetString()!] = new Tensor(shape, data);
        }

        return offset == weights.Length ? tensors : throw new ModelContractException($"The weights file holds {weights.Length} bytes; its manifest describes {offset}.");
    }

    private sealed record Tensor(int[] Shape, float[] Data);
}
