using ArcFaceKit.Detection;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Models.Quantization;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Tests;

/// <summary>Static int8 quantization on real faces: outputs close to fp32, its own identity, a manifest naming its parent.</summary>
public sealed class QuantizationTests : IDisposable
{
    // Calibration photos: CelebA-subset photos (the test faces below are LFW's), few enough to keep the test short.
    private static readonly List<string> Calibration = [.. Directory.GetFiles(Path.Combine(Shared.Root, "datasets", "celeba-299", "images"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(400)];

    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-quant-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Quantized_mobilefacenet_embeds_real_faces_like_its_parent()
    {
        string output = Path.Combine(_dir, "mfa_int8.onnx");
        var manifest = ModelQuantizer.Quantize(Shared.Model("mobilefacenet_a.onnx"), Calibration, output, new QuantizationOptions { Detector = Shared.Model("yunet_s_dynamic.onnx"), MaxImages = 60 });

        using var quantized = FaceEmbedders.Open(output);
        string[] faces = ["Abel_Pacheco_0001.jpg", "Akhmed_Zakayev_0001.jpg", "Amber_Tamblyn_0001.jpg", "Aaron_Peirsol_0001.jpg", "Abel_Pacheco_0004.jpg", "Amber_Tamblyn_0002.jpg"];
        var cosines = faces.Select(RecognitionTests.Crop).Select(crop => CosineSimilarity.Between(Shared.MobileFaceNet.Embed(crop), quantized.Embed(crop))).ToList();

        // Measured 0.975-0.986 on these faces with 60 calibration photos; with 300, LFW accuracy moved 0.05 points (docs/speed.md).
        Assert.True(cosines.Min() > 0.96f, $"cosines between the fp32 and int8 embeddings: {string.Join(", ", cosines)}");

        Assert.Equal("mobilefacenet_a", manifest.Quantization!.Parent);
        Assert.NotEqual(Shared.MobileFaceNet.Identity, quantized.Identity);
    }

    [Fact]
    public void Quantized_detectors_find_the_faces_their_parents_find()
    {
        foreach (var parent in new[] { "yunet_s_dynamic.onnx", "faceplugin_fr_detect.onnx" })
        {
            string output = Path.Combine(_dir, Path.GetFileNameWithoutExtension(parent) + "_int8.onnx");
            var manifest = ModelQuantizer.Quantize(Shared.Model(parent), Calibration, output, new QuantizationOptions { MaxImages = 30 });
            Assert.All(manifest.Quantization!.CalibrationInputs.Values, inputs => Assert.True(inputs >= 30));

            using var fp32 = FaceDetectors.Open(Shared.Model(parent));
            using var int8 = FaceDetectors.Open(output);
            foreach (var photo in new[] { Shared.Fixture("images/two_faces.jpg"), Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Amber_Tamblyn_0002.jpg") })
            {
                var image = Imaging.ImageDecoder.DecodeFile(photo);
                var expected = fp32.Detect(image);
                var found = int8.Detect(image);
                Assert.Equal(expected.Count, found.Count);
                Assert.All(expected, e => Assert.Contains(found, f => f.Box.IoU(e.Box) > 0.85f));
            }
        }
    }

    [Fact]
    public void A_quantized_model_names_its_parent_and_is_pinned_by_its_own_hash()
    {
        string output = Path.Combine(_dir, "yunet_int8.onnx");
        var manifest = ModelQuantizer.Quantize(Shared.Model("yunet_s_dynamic.onnx"), Calibration, output, new QuantizationOptions { MaxImages = 5 });
        var parent = ModelResolver.KnownManifests.Single(m => m.Name == "yunet_s_dynamic");
        Assert.Equal(parent.PrimaryFile.Sha256, manifest.Quantization!.ParentSha256["model"]);
        Assert.Equal(CalibrationMethod.MinimumError.ToString(), manifest.Quantization.Calibration);
        Assert.NotEqual(parent.PrimaryFile.Sha256, manifest.PrimaryFile.Sha256);
        Assert.Throws<ModelContractException>(() => ModelQuantizer.Quantize(output, Calibration, Path.Combine(_dir, "again.onnx")));

        // A changed byte in the quantized file is refused at load, as for any model.
        var bytes = File.ReadAllBytes(output);
        bytes[^1] ^= 1;
        File.WriteAllBytes(output, bytes);
        Assert.Throws<ModelContractException>(() => FaceDetectors.Open(output));
    }
}
