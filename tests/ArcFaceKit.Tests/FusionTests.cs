using System.Numerics.Tensors;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Tests;

/// <summary>Fusion of two real embedders: its scores are the mean of theirs, and it is a model of its own.</summary>
public class FusionTests
{
    private static readonly string[] Pair = [Shared.Model("faceplugin_fr_feature.onnx"), Shared.Model("mobilefacenet_b.onnx")];

    [Fact]
    public void Fused_similarity_is_the_mean_of_the_members_similarities()
    {
        using var fused = FaceEmbedders.Fuse(Pair);
        using var first = OnnxFaceEmbedder.Open(Pair[0]);
        using var second = OnnxFaceEmbedder.Open(Pair[1]);
        var crops = new[] { "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg" }.Select(RecognitionTests.Crop).ToList();
        var f = fused.EmbedEach(crops);
        var a = first.EmbedEach(crops);
        var b = second.EmbedEach(crops);
        Assert.Equal(512 + 128, fused.Identity.Dimension);
        Assert.All(f, e => Assert.Equal(1f, TensorPrimitives.Norm(e), 4));
        foreach (var (i, j) in new[] { (0, 1), (0, 2), (1, 2) })
        {
            float expected = (CosineSimilarity.Between(a[i], a[j]) + CosineSimilarity.Between(b[i], b[j])) / 2;
            Assert.Equal(expected, CosineSimilarity.Between(f[i], f[j]), 4);
        }

        Assert.Equal(first.Embed([.. crops.Select(c => new AlignedFace(c))]).Select(e => e.Norm), fused.Embed([.. crops.Select(c => new AlignedFace(c))]).Select(e => e.Norm));
    }

    [Fact]
    public void A_fusion_has_its_own_identity_and_the_thresholds_measured_for_it()
    {
        using var fused = FaceEmbedders.Fuse(Pair);
        using var reversed = FaceEmbedders.Fuse([Pair[1], Pair[0]]);
        using var single = OnnxFaceEmbedder.Open(Pair[0]);
        Assert.NotEqual(single.Identity.Key, fused.Identity.Key);
        Assert.NotEqual(reversed.Identity.Key, fused.Identity.Key);
        Assert.Equal(640, fused.Identity.Dimension);

        // The built-in thresholds are the fusion's own, from its LFW run, not a member's.
        var far = fused.Manifest.Threshold(ModelManifest.FarThreshold);
        Assert.NotNull(far);
        Assert.Contains("faceplugin_fr_feature+mobilefacenet_b", far.Source, StringComparison.Ordinal);
        Assert.NotEqual(single.Manifest.Threshold(ModelManifest.FarThreshold)!.Cosine, far.Cosine);
        Assert.Empty(reversed.Manifest.Thresholds);
    }

    [Fact]
    public void A_fusion_manifest_opens_its_members_from_beside_it_and_refuses_a_changed_member()
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-test-").FullName;
        try
        {
            foreach (var path in Pair)
            {
                File.Copy(path, Path.Combine(dir, Path.GetFileName(path)));
            }

            string manifestPath = Path.Combine(dir, "fused.manifest.json");
            string identity;
            using (var fused = FaceEmbedders.Fuse(Pair))
            {
                File.WriteAllText(manifestPath, fused.Manifest.ToJson());
                identity = fused.Identity.Key;
            }

            using (var reopened = FaceEmbedders.Open(manifestPath))
            {
                Assert.IsType<FusedFaceEmbedder>(reopened);
                Assert.Equal(identity, reopened.Identity.Key);
            }

            // Another model under a member's name: the manifest's SHA-256 no longer matches.
            File.Copy(Shared.Model("mobilefacenet_a.onnx"), Path.Combine(dir, Path.GetFileName(Pair[1])), overwrite: true);
            var e = Assert.Throws<ModelContractException>(() => FaceEmbedders.Open(manifestPath));
            Assert.Contains("does not describe the embedders given", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public async Task Members_with_different_templates_each_get_the_face_aligned_to_their_own(int batchWaitMs)
    {
        string dir = Directory.CreateTempSubdirectory("arcfacekit-test-").FullName;
        try
        {
            // mobilefacenet_b declared as taking dlib-aligned crops: a member with another template than faceplugin's.
            string other = Path.Combine(dir, "mobilefacenet_b_dlib.onnx");
            File.Copy(Pair[1], other);
            File.Copy(Pair[0], Path.Combine(dir, Path.GetFileName(Pair[0])));
            var known = ModelResolver.KnownManifests.Single(m => m.Name == "mobilefacenet_b");
            var declared = known with { Name = "mobilefacenet_b_dlib", Files = [known.PrimaryFile with { File = Path.GetFileName(other), Input = known.PrimaryFile.Input with { Alignment = FaceTemplate.DlibName } }] };
            File.WriteAllText(ModelResolver.ManifestPathFor(other), declared.ToJson());
            string fusion = Path.Combine(dir, "fused.manifest.json");
            using (var fused = FaceEmbedders.Fuse([Pair[0], other]))
            {
                Assert.Equal(["arcface 112px", "dlib 112px"], fused.Templates.Select(t => t.ToString()));
                File.WriteAllText(fusion, fused.Manifest.ToJson());
            }

            using var service = OpenPipeline(fusion, batchWaitMs);
            var image = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg"));
            var face = Assert.Single(await service.AnalyzeAsync(image));

            var arcFaceCrop = FaceAligner.For(FaceTemplate.ArcFace(112)).Align(image, face.Face.Landmarks);
            var dlibCrop = FaceAligner.For(FaceTemplate.Dlib(112)).Align(image, face.Face.Landmarks);
            using var first = OnnxFaceEmbedder.Open(Pair[0]);
            using var second = OnnxFaceEmbedder.Open(other);
            float[] expected = [.. first.Embed(arcFaceCrop).Concat(second.Embed(dlibCrop)).Select(v => v / MathF.Sqrt(2))];
            Assert.True(CosineSimilarity.Between(expected, face.Embedding) > 0.99999f);
            Assert.Equal(arcFaceCrop.Pixels, face.Crop.Pixels);   // the record keeps the first template's crop

            // Fed the ArcFace crop for both, the second member sees another face: the template is part of the model.
            float[] wrong = [.. first.Embed(arcFaceCrop).Concat(second.Embed(arcFaceCrop)).Select(v => v / MathF.Sqrt(2))];
            Assert.True(CosineSimilarity.Between(wrong, face.Embedding) < 0.99f);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void One_embedder_is_no_fusion()
    {
        Assert.Throws<ArgumentException>(() => new FusedFaceEmbedder([Shared.MobileFaceNet]));
    }

    private static FacePipeline OpenPipeline(string embedder, int batchWaitMs) =>
        Shared.OpenPipeline(Shared.ModelSet with { Embedder = embedder }, new PipelineOptions { EmbeddingBatchWait = TimeSpan.FromMilliseconds(batchWaitMs) });
}
