using System.Text.Json;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Models.Tflite;
using Microsoft.ML.OnnxRuntime;
using B = ArcFaceKit.Tests.TfliteBuilder;

namespace ArcFaceKit.Tests;

/// <summary>TensorFlow Lite graphs become ONNX models that compute what the graph computes.</summary>
public class TfliteConverterTests
{
    // BuiltinOperator codes and BuiltinOptions types of schema.fbs.
    private const int Add = 0, Conv = 3, Depthwise = 4, Mul = 18, Relu = 19, Reshape = 22, Softmax = 25, Sub = 41, Abs = 101;
    private const byte ConvOptions = 1, DepthwiseOptions = 2, AddOptions = 11, MulOptions = 21, SubOptions = 28;

    /// <summary>Crops of ../shared/fixtures/alignment whose MobileFaceNet outputs Fixtures/mobilefacenet_tf_reference.json keeps.</summary>
    private static readonly string[] ReferenceCrops = ["AJ_Lamas_0001.png", "Ana_Palacio_0007.png", "Hung_Wan-ting_0001.png", "Ron_Howard_0001.png"];

    [Fact]
    public void A_graph_of_every_converted_operator_gives_the_graphs_own_outputs_at_any_batch()
    {
        byte[] tflite = EveryOperator();
        byte[] onnx = TfliteConverter.Convert(tflite, "test");
        Assert.Equal(onnx, TfliteConverter.Convert(tflite, "test"));     // the same bytes in, the same model out

        var graph = Onnx.ModelProto.Parser.ParseFrom(onnx).Graph;
        Assert.Single(graph.Node, n => n.OpType == "PRelu");             // the five-op PReLU became one
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Abs");

        var random = new Random(7);
        var images = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 10 * 10 * 3).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToArray();
        var got = RunOnnx(onnx, images, 10, 3);
        for (int i = 0; i < images.Length; i++)
        {
            double[] want = TfliteReference.Run(tflite, images[i]);
            Assert.Equal(want.Length, got[i].Length);
            Assert.All(want.Zip(got[i]), p => Assert.Equal(p.First, p.Second, 1e-4));
        }
    }

    [Fact]
    public void The_npm_MobileFaceNet_converts_to_the_pinned_model_whose_outputs_on_real_crops_are_the_graphs()
    {
        string work = Directory.CreateTempSubdirectory("arcfacekit-tflite-").FullName;
        try
        {
            byte[] tflite = ModelStore.MobileFaceNetSource(work);
            byte[] onnx = TfliteConverter.Convert(tflite, "mobilefacenet_tf");
            var pinned = ModelResolver.KnownManifests.Single(m => m.PrimaryFile.File == ModelStore.MobileFaceNetEmbedderFile).PrimaryFile;
            Assert.Equal(pinned.Sha256, Sha256File.Of(onnx));

            // The stored reference is the graph's arithmetic in double precision (TfliteReference, computed once);
            // one crop is computed again here, so the fixture cannot drift from what the graph says.
            var reference = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mobilefacenet_tf_reference.json")))!;
            var crops = ReferenceCrops.Select(c => Normalised(ImageDecoder.DecodeFile(Shared.Fixture("alignment/" + c)))).ToArray();
            var again = TfliteReference.Run(tflite, crops[0]);
            Assert.All(again.Zip(reference[ReferenceCrops[0]]), p => Assert.Equal(p.Second, p.First, 1e-9));

            var got = RunOnnx(onnx, crops, 112, 3);
            for (int i = 0; i < crops.Length; i++)
            {
                double[] want = reference[ReferenceCrops[i]];
                double cosine = Dot(want, got[i]) / Math.Sqrt(Dot(want, want) * Dot(got[i], got[i]));
                Assert.True(cosine > 0.999999, $"{ReferenceCrops[i]}: cosine {cosine}");   // measured: 1 - 1e-9 or closer
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void A_damaged_file_is_refused_with_a_clear_error()
    {
        byte[] good = EveryOperator();
        foreach (byte[] bad in new[] { good[..(good.Length / 2)], good[..6], new byte[100], [.. good.Select((b, i) => i is 4 ? (byte)'X' : b)] })
        {
            var e = Assert.Throws<ModelContractException>(() => TfliteConverter.Convert(bad, "test"));
            Assert.Contains("TensorFlow Lite", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unsupported_operator_is_named()
    {
        var b = new B();
        int x = b.Tensor("input", [1, 4, 4, 2]);
        b.Op(Softmax, [x], b.Tensor("out", [1, 4, 4, 2]));
        var e = Assert.Throws<ModelContractException>(() => TfliteConverter.Convert(b.Build(x, 1), "test"));
        Assert.Contains("SOFTMAX", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A 10x10x3 image through a strided SAME conv (the odd pad at the end) with a fused RELU, a depthwise conv with
    /// multiplier 2, TOCO's PReLU, a 1x1 conv added back with a fused RELU6, a scalar MUL, a VALID 5x5 depthwise and
    /// the reshape to a row.
    /// </summary>
    private static byte[] EveryOperator()
    {
        var random = new Random(3);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var b = new B();
        int x = b.Tensor("input", [1, 10, 10, 3]);
        int c1 = b.Op(Conv, [x, b.Tensor("w1", [4, 3, 3, 3], Values(108)), b.Tensor("b1", [4], Values(4))], b.Tensor("c1", [1, 5, 5, 4]), ConvOptions, B.ConvOptions(false, 0, 2, 1));
        int d1 = b.Op(Depthwise, [c1, b.Tensor("w2", [1, 3, 3, 8], Values(72)), b.Tensor("b2", [8], Values(8))], b.Tensor("d1", [1, 5, 5, 8]), DepthwiseOptions, B.ConvOptions(true, 0, 1, 0, 2));
        int relu = b.Op(Relu, [d1], b.Tensor("relu", [1, 5, 5, 8]));
        int abs = b.Op(Abs, [d1], b.Tensor("abs", [1, 5, 5, 8]));
        int sub = b.Op(Sub, [d1, abs], b.Tensor("sub", [1, 5, 5, 8]), SubOptions, B.ActivationOptions(0));
        int mul = b.Op(Mul, [sub, b.Tensor("halves", [1, 1, 8], Values(8))], b.Tensor("mul", [1, 5, 5, 8]), MulOptions, B.ActivationOptions(0));
        int prelu = b.Op(Add, [relu, mul], b.Tensor("prelu", [1, 5, 5, 8]), AddOptions, B.ActivationOptions(0));
        int c2 = b.Op(Conv, [prelu, b.Tensor("w3", [8, 1, 1, 8], Values(64)), b.Tensor("b3", [8], Values(8))], b.Tensor("c2", [1, 5, 5, 8]), ConvOptions, B.ConvOptions(false, 1, 1, 0));
        int sum = b.Op(Add, [c2, prelu], b.Tensor("sum", [1, 5, 5, 8]), AddOptions, B.ActivationOptions(3));
        int scaled = b.Op(Mul, [b.Tensor("scale", [], [0.5f]), sum], b.Tensor("scaled", [1, 5, 5, 8]), MulOptions, B.ActivationOptions(0));
        int d2 = b.Op(Depthwise, [scaled, b.Tensor("w4", [1, 5, 5, 8], Values(200)), b.Tensor("b4", [8], Values(8))], b.Tensor("d2", [1, 1, 1, 8]), DepthwiseOptions, B.ConvOptions(true, 1, 1, 0));
        int row = b.Op(Reshape, [d2], b.Tensor("row", [1, 8]));
        return b.Build(x, row);
    }

    /// <summary>Pixels as MobileFaceNet reads them: RGB, (p - 127.5) / 128, NHWC.</summary>
    private static float[] Normalised(RgbImage crop) => [.. crop.Pixels.Select(p => (p - 127.5f) / 128f)];

    /// <summary>The ONNX model's rows for NHWC images, run as one NCHW batch.</summary>
    private static float[][] RunOnnx(byte[] onnx, float[][] nhwc, int size, int channels)
    {
        int plane = size * size;
        var batch = new float[nhwc.Length * plane * channels];
        for (int n = 0; n < nhwc.Length; n++)
        {
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < channels; c++)
                {
                    batch[(((n * channels) + c) * plane) + p] = nhwc[n][(p * channels) + c];
                }
            }
        }

        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(batch, [nhwc.Length, channels, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [input], [session.OutputNames[0]]);
        var all = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        int width = all.Length / nhwc.Length;
        return [.. Enumerable.Range(0, nhwc.Length).Select(n => all[(n * width)..((n + 1) * width)])];
    }

    private static double Dot(double[] a, IReadOnlyList<float> b) => a.Select((v, i) => v * b[i]).Sum();

    private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();

    private static double Dot(float[] a, float[] b) => a.Select((v, i) => (double)v * b[i]).Sum();
}
