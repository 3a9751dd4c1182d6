using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Tests;

/// <summary>TorchSharp and ONNX Runtime agree on exported backbones, and the pipeline loads them through their manifest.</summary>
[Collection(SeededTorchCollection.Name)]
public sealed class ExportParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, int> Backbones() => new() { { "mobilefacenet", 112 }, { "mobilefacenet", 64 }, { "iresnet18", 112 } };

    [Theory]
    [MemberData(nameof(Backbones))]
    public void Onnx_runtime_reproduces_torchsharp_on_real_aligned_faces(string architecture, int size)
    {
        torch.manual_seed(11);
        nn.Module<Tensor, Tensor> module = architecture == "mobilefacenet" ? new MobileFaceNet(128, size) : new IResNet(18, 256, size);
        var backbone = (IBackbone)module;
        Perturb(module);
        string path = architecture == "mobilefacenet"
            ? BackboneExporter.Export((MobileFaceNet)module, _dir, $"{architecture}_{size}", "parity test")
            : BackboneExporter.Export((IResNet)module, _dir, $"{architecture}_{size}", "parity test");

        // Real faces, aligned by the pipeline at the backbone's size (112 and 64 are not template multiples: align at 112 and resize).
        var crops = new[] { "AJ_Lamas_0001.jpg", "Ana_Palacio_0007.jpg", "Ben_Betts_0001.jpg" }.Select(n => Crop(n).Resize(size, size)).ToList();
        using var embedder = OnnxFaceEmbedder.Open(path);
        var fromOnnx = embedder.Embed([.. crops.Select(c => new AlignedFace(c))]).Select(e => e.Vector).ToArray();

        var input = torch.zeros(crops.Count, 3, size, size);
        var contract = BackboneExporter.TrainingInput(size);
        for (int i = 0; i < crops.Count; i++)
        {
            var values = new float[3 * size * size];
            contract.Fill(crops[i], values);
            input[i] = torch.tensor(values, [3, size, size]);
        }

        module.eval();
        float[][] fromTorch;
        using (torch.no_grad())
        {
            var output = backbone.forward(input);
            fromTorch = [.. Enumerable.Range(0, crops.Count).Select(i => output[i].data<float>().ToArray())];
        }

        for (int i = 0; i < crops.Count; i++)
        {
            var raw = fromTorch[i].ToArray();
            Embeddings.Normalize(raw);
            float cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(raw, fromOnnx[i]);
            Assert.True(cosine >= 0.99999f, $"{architecture}@{size} face {i}: cosine {cosine}");
            float maxAbs = raw.Max(Math.Abs);
            float maxDiff = raw.Zip(fromOnnx[i], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDiff <= 1e-4f * maxAbs, $"{architecture}@{size} face {i}: max difference {maxDiff} vs largest {maxAbs}");
        }

        Assert.Equal(backbone.EmbeddingSize, embedder.Dimension);
    }

    [Fact]
    public void MobileFaceNet_has_about_a_million_parameters_and_the_expected_shapes()
    {
        var net = new MobileFaceNet(128, 112);
        long parameters = net.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 900_000, 1_300_000);
        net.eval();
        using var noGrad = torch.no_grad();
        Assert.Equal(new long[] { 2, 128 }, net.forward(torch.randn(2, 3, 112, 112)).shape);
        Assert.Equal(new long[] { 2, 64 }, new MobileFaceNet(64, 64).forward(torch.randn(2, 3, 64, 64)).shape);
        Assert.Throws<ArgumentException>(() => new IResNet(101));
    }

    private static void Perturb(nn.Module<Tensor, Tensor> module)
    {
        // Batch norms with non-trivial statistics, PReLUs with non-default slopes: the export must carry them all.
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case BatchNorm bn:
                    bn.running_mean!.copy_(torch.randn_like(bn.running_mean!) * 0.1);
                    bn.running_var!.copy_(torch.rand_like(bn.running_var!) + 0.5);
                    bn.weight!.copy_(1 + (torch.randn_like(bn.weight!) * 0.1));
                    bn.bias!.copy_(torch.randn_like(bn.bias!) * 0.1);
                    break;
                case PReLU prelu:
                    prelu.weight!.copy_(torch.rand_like(prelu.weight!) * 0.5);
                    break;
            }
        }
    }

    private static RgbImage Crop(string lfwImage)
    {
        string shared = SharedRoot.Path;
        var image = ImageDecoder.DecodeFile(Path.Combine(shared, "datasets", "lfw-view2", "images", lfwImage));
        using var detector = FaceDetectors.Open(Path.Combine(shared, "models", "yunet_s_dynamic.onnx"), new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f });
        return new FaceAligner().Align(image, FaceSelector.Apply(detector.Detect(image), FaceSelection.MostCentral, image.Width, image.Height)[0].Landmarks);
    }
}
