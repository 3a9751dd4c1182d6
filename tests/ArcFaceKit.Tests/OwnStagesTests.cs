using System.Diagnostics;
using ArcFaceKit.Alignment;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;
using ArcFaceKit.Service;

namespace ArcFaceKit.Tests;

/// <summary>Stages written outside the library, through its public contracts only; cancellation inside a model run; disposal.</summary>
public sealed class OwnStagesTests
{
    private static RgbImage Photo(string name) => ImageDecoder.DecodeFile(Shared.LfwImage(name));

    [Fact]
    public async Task A_detector_and_an_embedder_of_ones_own_serve_verify_and_identify()
    {
        using var pipeline = new FacePipeline(
            new WrappedDetector(FaceDetectors.Open(Shared.Model("yunet_s_dynamic.onnx"), new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f })),
            new WrappedEmbedder(OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"))));
        var threshold = new SimilarityThreshold(0.3271f, "mobilefacenet_a's FAR 1e-3 point, given by hand");

        // No manifest: no default threshold, and no inference time to report.
        Assert.Throws<ModelContractException>(() => pipeline.DefaultThreshold);
        Assert.Equal(TimeSpan.Zero, pipeline.InferenceTime);

        var same = await pipeline.VerifyAsync(Photo("Abel_Pacheco_0001.jpg"), Photo("Abel_Pacheco_0004.jpg"), threshold: threshold);
        var different = await pipeline.VerifyAsync(Photo("Abel_Pacheco_0001.jpg"), Photo("Dean_Barker_0001.jpg"), threshold: threshold);
        Assert.True(same.Decision.IsSamePerson);
        Assert.False(different.Decision.IsSamePerson);

        string dir = Directory.CreateTempSubdirectory("arcfacekit-own-stages-").FullName;
        try
        {
            await using var gallery = await SqliteGallery.OpenAsync(Path.Combine(dir, "g.db"), pipeline.Embedder.Identity);
            var galleries = new GalleryService(pipeline);
            await galleries.EnrollAsync(gallery, "abel", [new PhotoToEnroll(Photo("Abel_Pacheco_0001.jpg"))], FaceSelection.Single, "test");
            await galleries.EnrollAsync(gallery, "dean", [new PhotoToEnroll(Photo("Dean_Barker_0001.jpg"))], FaceSelection.Single, "test");
            var found = Assert.Single(await galleries.IdentifyAsync(gallery, Photo("Abel_Pacheco_0004.jpg"), new IdentifyOptions { K = 2, Threshold = threshold }));
            Assert.Equal("abel", found.Identity);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_fake_detector_and_embedder_run_through_the_pipeline_as_given()
    {
        using var pipeline = new FacePipeline(new FixedDetector(), new ThumbnailEmbedder());
        var photo = Photo("Abel_Pacheco_0001.jpg");
        var face = Assert.Single(await pipeline.AnalyzeAsync(photo));
        Assert.Equal(FixedDetector.Face, face.Face);
        Assert.Equal(64, face.Embedding.Length);
        Assert.True(float.IsNaN(face.EmbeddingNorm));
        Assert.Equal((112, 112), (face.Crop.Width, face.Crop.Height));

        var self = await pipeline.VerifyAsync(photo, photo, threshold: new SimilarityThreshold(0.99f, "test"));
        Assert.InRange(self.Decision.Similarity, 0.9999f, 1.0001f);
    }

    [Fact]
    public async Task A_cancelled_request_stops_inside_the_model_run()
    {
        // One run of 256 faces (a batch size that holds them all), so only the run's own terminate flag can stop it early.
        using var embedder = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"), new EmbedderOptions { BatchSize = 256 });
        var crop = new FaceAligner().Align(Photo("Abel_Pacheco_0001.jpg"), Shared.YuNet.Detect(Photo("Abel_Pacheco_0001.jpg"))[0].Landmarks);
        AlignedFace[] faces = [.. Enumerable.Repeat(new AlignedFace(crop), 256)];
        embedder.Embed(faces);   // warm-up
        var whole = TimeSpan.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            var run = Stopwatch.StartNew();
            embedder.Embed(faces);
            whole = TimeSpan.FromTicks(Math.Min(whole.Ticks, run.Elapsed.Ticks));
        }

        // On a shared machine one run can be far faster than those timed, and finish before a tenth of them: a few tries.
        var tries = new List<string>();
        bool early = false;
        for (int attempt = 0; attempt < 3 && !early; attempt++)
        {
            using var cancel = new CancellationTokenSource(whole / 10);
            var stopped = Stopwatch.StartNew();
            try
            {
                embedder.Embed(faces, cancel.Token);
                tries.Add($"finished in {stopped.Elapsed.TotalMilliseconds:F0} ms");
            }
            catch (OperationCanceledException)
            {
                tries.Add($"stopped at {stopped.Elapsed.TotalMilliseconds:F0} ms");
                early = stopped.Elapsed < whole * 0.6;
            }
        }

        Assert.True(early, $"cancelled after {whole.TotalMilliseconds / 10:F0} ms of a {whole.TotalMilliseconds:F0} ms run: {string.Join(", ", tries)}");

        // The model is whole after it: the next run gives the same embedding as before.
        Assert.Equal(embedder.Embed(crop), embedder.Embed(faces[..1])[0].Vector);
    }

    [Fact]
    public async Task Disposing_twice_is_harmless_and_use_after_it_is_refused()
    {
        var pipeline = Shared.OpenPipeline();
        var photo = Photo("Abel_Pacheco_0001.jpg");
        Assert.Single(await pipeline.AnalyzeAsync(photo));
        pipeline.Dispose();
        pipeline.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pipeline.AnalyzeAsync(photo));

        var embedder = OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx"));
        embedder.Dispose();
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.Embed(new RgbImage(112, 112)));
    }

    /// <summary>A detector of one's own: one method, here around the library's YuNet.</summary>
    private sealed class WrappedDetector(IFaceDetector inner) : IFaceDetector, IDisposable
    {
        public IReadOnlyList<DetectedFace> Detect(RgbImage image, CancellationToken cancellationToken = default) => inner.Detect(image, cancellationToken);

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }

    /// <summary>An embedder of one's own around a real model: three members, no manifest.</summary>
    private sealed class WrappedEmbedder(IModelEmbedder inner) : IFaceEmbedder, IDisposable
    {
        public ModelIdentity Identity { get; } = inner.Identity with { Name = "my embedder" };

        public IReadOnlyList<FaceTemplate> Templates => inner.Templates;

        public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default) =>
            [.. inner.Embed(faces, cancellationToken).Select(e => new FaceEmbedding(e.Vector))];

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A fake detector: one face where LFW frames have theirs.</summary>
    private sealed class FixedDetector : IFaceDetector
    {
        public static readonly DetectedFace Face = new(new FaceBox(70, 70, 110, 130), [new(105, 115), new(145, 115), new(125, 138), new(108, 160), new(142, 160)], 0.9f);

        public IReadOnlyList<DetectedFace> Detect(RgbImage image, CancellationToken cancellationToken = default) => [Face];
    }

    /// <summary>A fake embedder: the crop's 8x8 grey thumbnail, normalised.</summary>
    private sealed class ThumbnailEmbedder : IFaceEmbedder
    {
        public ModelIdentity Identity { get; } = new("thumbnail", new string('0', 64), 1, 64);

        public IReadOnlyList<FaceTemplate> Templates { get; } = [FaceTemplate.ArcFace(112)];

        public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default) =>
            [.. faces.Select(f => new FaceEmbedding(Thumbnail(f.Crops[0])))];

        private static float[] Thumbnail(RgbImage crop)
        {
            var small = crop.Resize(8, 8);
            var v = new float[64];
            for (int i = 0; i < 64; i++)
            {
                v[i] = small.Pixels[3 * i] + small.Pixels[(3 * i) + 1] + small.Pixels[(3 * i) + 2] + 1f;
            }

            float norm = MathF.Sqrt(v.Sum(x => x * x));
            return [.. v.Select(x => x / norm)];
        }
    }
}
