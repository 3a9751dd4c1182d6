using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Tests;

/// <summary>Embeddings on real LFW faces: normalised, same person clearly above different people, for each embedder.</summary>
public class RecognitionTests
{
    // Genuine and impostor pairs from pairs.txt, fold 1.
    private static readonly (string A, string B)[] Same = [("Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg"), ("Akhmed_Zakayev_0001.jpg", "Akhmed_Zakayev_0003.jpg"), ("Amber_Tamblyn_0001.jpg", "Amber_Tamblyn_0002.jpg")];
    private static readonly (string A, string B)[] Different = [("Abdel_Madi_Shabneh_0001.jpg", "Dean_Barker_0001.jpg"), ("Abdel_Madi_Shabneh_0001.jpg", "Giancarlo_Fisichella_0001.jpg"), ("Abdul_Rahman_0001.jpg", "Portia_de_Rossi_0001.jpg")];

    public static TheoryData<string> Embedders() => new("mobilefacenet_a.onnx", "faceplugin_fr_feature.onnx", "mobilefacenet_b.onnx");

    [Theory]
    [MemberData(nameof(Embedders))]
    public void Same_person_scores_clearly_higher_than_different_people(string model)
    {
        using var embedder = OnnxFaceEmbedder.Open(Shared.Model(model));
        float[] Emb(string name) => embedder.Embed(Crop(name));
        var genuine = Same.Select(p => CosineSimilarity.Between(Emb(p.A), Emb(p.B))).ToList();
        var impostor = Different.Select(p => CosineSimilarity.Between(Emb(p.A), Emb(p.B))).ToList();
        Assert.True(genuine.Min() > impostor.Max() + 0.15f, $"{model}: genuine {string.Join(", ", genuine)}; impostor {string.Join(", ", impostor)}");
        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(Emb(Same[0].A)), 4);
    }

    [Fact]
    public void Batched_and_single_runs_give_the_same_embeddings()
    {
        var crops = Same.Select(p => Crop(p.A)).ToList();
        using var batched = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"), new EmbedderOptions { BatchSize = 16 });
        using var single = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"), new EmbedderOptions { BatchSize = 1 });
        var a = batched.EmbedEach(crops);
        var b = single.EmbedEach(crops);
        for (int i = 0; i < crops.Count; i++)
        {
            Assert.True(CosineSimilarity.Between(a[i], b[i]) > 0.99999f);
        }
    }

    [Fact]
    public void Flip_test_averages_the_mirror_image()
    {
        var crop = Crop(Same[0].A);
        using var plain = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"));
        using var flip = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"), new EmbedderOptions { FlipTest = true });
        var expected = plain.Embed(crop).Zip(plain.Embed(crop.FlipHorizontal()), (x, y) => x + y).ToArray();
        Embeddings.Normalize(expected);
        var actual = flip.Embed(crop);
        Assert.True(CosineSimilarity.Between(expected, actual) > 0.99999f);
        Assert.True(CosineSimilarity.Between(plain.Embed(crop), actual) < 0.9999f);
    }

    [Fact]
    public void Load_time_rewrites_zero_subnormals_and_keep_the_outputs()
    {
        byte[] original = File.ReadAllBytes(Shared.Model("faceplugin_fr_feature.onnx"));
        var model = InferenceGraph.Parse(original);
        Assert.Equal(8938, SubnormalWeights.FlushToZero(model));
        Assert.Equal(0, SubnormalWeights.FlushToZero(model));
        int subnormals = model.Graph.Initializer.Where(t => t.DataType == (int)Onnx.TensorProto.Types.DataType.Float)
            .Sum(t => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.ToByteArray()).ToArray().Count(float.IsSubnormal) + t.FloatData.Count(float.IsSubnormal));
        Assert.Equal(0, subnormals);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(original);
        using var embedder = OnnxFaceEmbedder.Open(Shared.Model("faceplugin_fr_feature.onnx"));
        var crop = Crop(Same[0].A);
        var input = new float[3 * 112 * 112];
        embedder.Manifest.PrimaryFile.Input.Fill(crop, input);
        using var tensor = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 3, 112, 112]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [tensor], ["output"]);
        var reference = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Embeddings.Normalize(reference);
        Assert.True(CosineSimilarity.Between(reference, embedder.Embed(crop)) > 0.999999f);
    }

    [Theory]
    [InlineData("mobilefacenet_a.onnx", false, 50 + 33)]       // slopes above 1 in every PRelu, their channels negated around it
    [InlineData("mobilefacenet_a.onnx", true, 50 + 32 + 2)]    // one PRelu's input also an output: it cannot be, and negates in a conv
    [InlineData("faceplugin_fr_feature.onnx", false, 50 + 33)]
    public void PRelu_is_rewritten_into_convs_and_relus_with_the_same_outputs(string file, bool pinOne, int convs)
    {
        byte[] original = File.ReadAllBytes(Shared.Model(file));
        var model = InferenceGraph.Parse(original);
        if (pinOne)
        {
            var prelu = model.Graph.Node.First(n => n.OpType == "PRelu");
            model.Graph.Output.Add(new Onnx.ValueInfoProto { Name = prelu.Input[0] });
            original = Google.Protobuf.MessageExtensions.ToByteArray(model);
        }

        Assert.Equal(33, PReluRewrite.Apply(model));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "PRelu" or "Clip" or "Min");
        Assert.Equal(convs, model.Graph.Node.Count(n => n.OpType == "Conv"));

        var input = new float[3 * 112 * 112];
        Shared.MobileFaceNet.Manifest.PrimaryFile.Input.Fill(Crop(Same[1].B), input);
        float[] Run(byte[] bytes)
        {
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
            using var tensor = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 3, 112, 112]);
            using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
            using var outputs = session.Run(runOptions, [session.InputNames[0]], [tensor], [session.OutputNames[0]]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        float[] before = Run(original), after = Run(Google.Protobuf.MessageExtensions.ToByteArray(model));
        float scale = before.Max(MathF.Abs);
        Assert.All(before.Zip(after), p => Assert.True(MathF.Abs(p.First - p.Second) < 1e-4f * scale, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void A_fixed_batch_of_one_is_freed_and_a_batch_embeds_as_faces_alone()
    {
        using var embedder = OnnxFaceEmbedder.Open(Shared.Model("faceplugin_fr_feature.onnx"));
        Assert.False(embedder.Manifest.PrimaryFile.Input.DynamicBatch);
        Assert.True(embedder.AcceptsBatches);
        var crops = new[] { Same[0].A, Same[0].B, Same[1].A, Same[2].B }.Select(Crop).ToList();
        var together = embedder.EmbedEach(crops);
        for (int i = 0; i < crops.Count; i++)
        {
            Assert.True(CosineSimilarity.Between(embedder.Embed(crops[i]), together[i]) > 0.99999f);
        }

        var model = InferenceGraph.Parse(File.ReadAllBytes(Shared.Model("faceplugin_fr_feature.onnx")));
        Assert.True(FreeBatch.Rewrite(model));
        Assert.Equal("batch", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void A_manifest_whose_input_size_does_not_fit_the_model_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-test-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.onnx");
            File.Copy(Shared.Model("mobilefacenet_a.onnx"), model);
            var manifest = ModelResolver.KnownManifests.Single(m => m.Name == "mobilefacenet_a");
            var entry = manifest.PrimaryFile with { File = "m.onnx", Input = manifest.PrimaryFile.Input with { Width = 128, Height = 128 } };
            File.WriteAllText(Path.Combine(dir, "m.manifest.json"), (manifest with { Files = [entry] }).ToJson());
            var e = Assert.Throws<ModelContractException>(() => OnnxFaceEmbedder.Open(model));
            Assert.Contains("does not fit the manifest's 3x128x128", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Wrong_crop_size_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Shared.MobileFaceNet.Embed(new RgbImage(100, 100)));
        Assert.Contains("takes 112x112 crops", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_finds_embeds_and_verifies_with_the_manifest_threshold()
    {
        using var pipeline = Shared.OpenPipeline();
        var a = Assert.Single(await pipeline.AnalyzeAsync(ImageDecoder.DecodeFile(Shared.LfwImage(Same[0].A))));
        var b = Assert.Single(await pipeline.AnalyzeAsync(ImageDecoder.DecodeFile(Shared.LfwImage(Same[0].B))));
        var c = Assert.Single(await pipeline.AnalyzeAsync(ImageDecoder.DecodeFile(Shared.LfwImage(Different[0].B))));
        var threshold = pipeline.DefaultThreshold;
        Assert.Contains("LFW", threshold.Source, StringComparison.Ordinal);
        Assert.True(Verification.Of(a.Embedding, b.Embedding, threshold).IsSamePerson);
        Assert.False(Verification.Of(a.Embedding, c.Embedding, threshold).IsSamePerson);
        Assert.True(pipeline.InferenceTime > TimeSpan.Zero);
    }

    internal static RgbImage Crop(string lfwImage)
    {
        var image = ImageDecoder.DecodeFile(Shared.LfwImage(lfwImage));
        var face = Shared.YuNet.Detect(image).MinBy(f => Math.Abs(f.Box.X + (f.Box.Width / 2) - (image.Width / 2f)))!;
        return new FaceAligner().Align(image, face.Landmarks);
    }
}
