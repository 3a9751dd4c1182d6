using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Matching;
using ArcFaceKit.Models;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using ArcFaceKit.TestSupport;

namespace ArcFaceKit.Tests;

/// <summary>The face service's contract: thread-safe with results identical to serial, single-face policies, a bounded line.</summary>
public sealed class FaceServiceTests
{
    private static readonly string[] Photos =
    [
        "Abel_Pacheco_0001.jpg", "Abel_Pacheco_0004.jpg", "Dean_Barker_0001.jpg", "Aaron_Eckhart_0001.jpg",
        "AJ_Lamas_0001.jpg", "Jean_Chretien_0002.jpg", "Amber_Tamblyn_0001.jpg", "Akhmed_Zakayev_0001.jpg",
    ];

    [Fact]
    public async Task Many_threads_on_one_instance_get_exactly_the_serial_results()
    {
        using var service = Shared.OpenPipeline(options: new PipelineOptions { MaxConcurrentAnalyses = 3, MaxQueuedAnalyses = 1000 });
        var images = Photos.Select(p => ImageDecoder.DecodeFile(Shared.LfwImage(p))).Append(ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"))).ToList();
        var serial = new List<IReadOnlyList<FaceRecord>>();
        foreach (var image in images)
        {
            serial.Add(await service.AnalyzeAsync(image));
        }

        // 8 threads x 6 rounds over every image, all at once on the one instance.
        var parallel = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => Task.Run(() => service.AnalyzeAsync(images[i % images.Count]))));
        for (int i = 0; i < parallel.Length; i++)
        {
            var expected = serial[i % images.Count];
            Assert.Equal(expected.Count, parallel[i].Count);
            for (int f = 0; f < expected.Count; f++)
            {
                Assert.Equal(Detection(expected[f].Face), Detection(parallel[i][f].Face));
                Assert.Equal(expected[f].Embedding, parallel[i][f].Embedding);
                Assert.Equal(expected[f].Crop.Pixels, parallel[i][f].Crop.Pixels);
            }
        }
    }

    [Fact]
    public async Task A_folder_analysed_batches_side_by_side_comes_back_in_order_with_the_one_at_a_time_results()
    {
        string[] files =
        [
            .. Photos.Select(Shared.LfwImage), Shared.Fixture("images/not_an_image.jpg"), Shared.Fixture("images/two_faces.jpg"),
            Shared.Fixture("images/truncated.jpg"), Shared.Fixture("images/no_face.jpg"), Shared.LfwImage(Photos[0]),
        ];
        using var service = Shared.OpenPipeline(options: new PipelineOptions { MaxConcurrentAnalyses = 3 });
        var expected = new List<IReadOnlyList<FaceRecord>?>();
        foreach (string file in files)
        {
            IReadOnlyList<FaceRecord>? faces = null;
            try
            {
                faces = await service.AnalyzeAsync(service.DecodeFile(file));
            }
            catch (ImageDecodeException)
            {
            }

            expected.Add(faces);
        }

        // Batches of 2, three at a time: the results of six batches interleave in time, not in order.
        var analysed = await service.AnalyzeFilesAsync(files, batchSize: 2).ToListAsync();
        Assert.Equal(files, analysed.Select(a => a.Path));
        for (int i = 0; i < files.Length; i++)
        {
            if (expected[i] is null)
            {
                Assert.NotNull(analysed[i].Error);
                Assert.Empty(analysed[i].Faces);
                continue;
            }

            Assert.Null(analysed[i].Error);
            Assert.Equal(expected[i]!.Count, analysed[i].Faces.Count);
            for (int f = 0; f < expected[i]!.Count; f++)
            {
                Assert.Equal(Detection(expected[i]![f].Face), Detection(analysed[i].Faces[f].Face));
                Assert.Equal(expected[i]![f].Embedding, analysed[i].Faces[f].Embedding);
            }
        }

        Assert.Contains(expected, e => e is null);
        Assert.Contains(expected, e => e is { Count: 0 });

        // Leaving after the first file waits for the batches under way, so the service can be disposed at once.
        Assert.Equal(files[0], (await service.AnalyzeFilesAsync(files, batchSize: 1).FirstAsync()).Path);
    }

    [Fact]
    public async Task Micro_batching_embeds_concurrent_requests_together_with_the_same_results()
    {
        var images = Photos.Select(p => ImageDecoder.DecodeFile(Shared.LfwImage(p))).ToList();
        using var serialService = Shared.OpenPipeline();
        var serial = new List<IReadOnlyList<FaceRecord>>();
        foreach (var image in images)
        {
            serial.Add(await serialService.AnalyzeAsync(image));
        }

        var embedder = new RecordingEmbedder(OnnxFaceEmbedder.Open(Shared.Model("mobilefacenet_a.onnx")));
        var models = Shared.ModelSet;
        using var service = new FacePipeline(FaceDetectors.Open(models.Detector, models.Detection), embedder, new PipelineOptions { MaxConcurrentAnalyses = images.Count, EmbeddingBatchWait = TimeSpan.FromMilliseconds(200) });
        var batched = await Task.WhenAll(images.Select(image => Task.Run(() => service.AnalyzeAsync(image))));

        Assert.True(embedder.Batches.Max() > 1, $"faces per embedder run: {string.Join(", ", embedder.Batches)}");
        Assert.Equal(serial.Sum(r => r.Count), embedder.Batches.Sum());
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(serial[i].Count, batched[i].Count);
            for (int f = 0; f < serial[i].Count; f++)
            {
                Assert.True(CosineSimilarity.Between(serial[i][f].Embedding, batched[i][f].Embedding) > 0.99999f);
            }
        }
    }

    /// <summary>The real embedder, with the number of faces of each call kept.</summary>
    private sealed class RecordingEmbedder(OnnxFaceEmbedder inner) : IFaceEmbedder, IDisposable
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Batches { get; } = new();

        public ModelIdentity Identity => inner.Identity;

        public IReadOnlyList<Alignment.FaceTemplate> Templates => inner.Templates;

        public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default)
        {
            Batches.Enqueue(faces.Count);
            return inner.Embed(faces, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task The_single_face_policy_refuses_or_chooses_and_keeps_the_crop()
    {
        using var service = Shared.OpenPipeline();
        var two = ImageDecoder.DecodeFile(Shared.Fixture("images/two_faces.jpg"));
        var refused = await Assert.ThrowsAsync<FaceSelectionException>(() => service.SingleFaceAsync(two, FaceSelection.Single, "two.jpg"));
        Assert.Equal(2, refused.FacesFound);
        Assert.Contains("two.jpg: 2 faces found", refused.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<FaceSelectionException>(() => service.SingleFaceAsync(ImageDecoder.DecodeFile(Shared.Fixture("images/no_face.jpg")), FaceSelection.Largest));
        Assert.Equal(0, none.FacesFound);

        var all = await service.AnalyzeAsync(two);
        var largest = await service.SingleFaceAsync(two, FaceSelection.Largest);
        var central = await service.SingleFaceAsync(two, FaceSelection.MostCentral);
        Assert.Equal(all.MaxBy(f => f.Face.Box.Area)!.Embedding, largest.Embedding);
        Assert.Equal(Detection(FaceSelector.Apply([.. all.Select(f => f.Face)], FaceSelection.MostCentral, two.Width, two.Height)[0]), Detection(central.Face));

        // The crop kept is the one the embedding was made from.
        Assert.Equal((112, 112), (largest.Crop.Width, largest.Crop.Height));
        Assert.Equal(largest.Embedding, service.Embedder.Embed(largest.Crop));
    }

    [Fact]
    public async Task Verify_enroll_and_identify_go_through_one_service_and_one_gallery()
    {
        using var service = Shared.OpenPipeline();
        string dir = Directory.CreateTempSubdirectory("arcfacekit-service-").FullName;
        try
        {
            await using var gallery = await SqliteGallery.OpenAsync(Path.Combine(dir, "g.db"), service.Embedder.Identity);
            RgbImage Photo(string name) => service.DecodeFile(Shared.LfwImage(name));
            var (same, _, _) = await service.VerifyAsync(Photo("Abel_Pacheco_0001.jpg"), Photo("Abel_Pacheco_0004.jpg"), FaceSelection.Single);
            Assert.True(same.IsSamePerson);

            var galleries = new GalleryService(service);
            await galleries.EnrollAsync(gallery, "abel", [new PhotoToEnroll(Photo("Abel_Pacheco_0001.jpg"), "a1"), new PhotoToEnroll(Photo("Abel_Pacheco_0002.jpg"), "a2")], FaceSelection.Single, "test");
            await galleries.EnrollAsync(gallery, "dean", [new PhotoToEnroll(Photo("Dean_Barker_0001.jpg"))], FaceSelection.Single, "test");
            Assert.Equal(["a1", "a2"], (await gallery.ListFacesAsync("abel")).Select(f => f.Source));
            Assert.NotNull(await gallery.GetFaceCropAsync("abel", (await gallery.ListFacesAsync("abel"))[0].Id));

            // One bad photo enrolls none.
            await Assert.ThrowsAsync<FaceSelectionException>(() => galleries.EnrollAsync(gallery, "x",
                [new PhotoToEnroll(Photo("AJ_Lamas_0001.jpg")), new PhotoToEnroll(service.DecodeFile(Shared.Fixture("images/no_face.jpg")))], FaceSelection.Single, "test"));
            Assert.Null(await gallery.GetSubjectAsync("x"));

            var found = Assert.Single(await galleries.IdentifyAsync(gallery, Photo("Abel_Pacheco_0004.jpg"), new IdentifyOptions { K = 2 }));
            Assert.Equal("abel", found.Identity);
            Assert.Equal(["abel", "dean"], found.Candidates.Select(c => c.Match.Subject));
            Assert.False(found.Candidates[1].Accepted);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_full_line_is_refused_at_once_and_the_slots_recover()
    {
        using var service = Shared.OpenPipeline(options: new PipelineOptions { MaxConcurrentAnalyses = 1, MaxQueuedAnalyses = 1 });
        var image = ImageDecoder.DecodeFile(Shared.LfwImage("Abel_Pacheco_0001.jpg"));

        // One analysis that cannot end by itself holds the slot, one waits; a third finds the line full.
        using var holder = await SlotHolder.StartAsync(service, image);
        var waiter = service.AnalyzeAsync(image);
        await Assert.ThrowsAsync<ServiceBusyException>(() => service.AnalyzeAsync(image));
        Assert.True(holder.Holding, "the holding analysis ended early: the test proved nothing");
        await holder.ReleaseAsync();
        Assert.Single(await waiter);
        Assert.Single(await service.AnalyzeAsync(image));
    }

    private static (FaceBox, float, string) Detection(DetectedFace f) => (f.Box, f.Score, string.Join(";", f.Landmarks));

    [Fact]
    public void The_cores_are_shared_out_among_concurrent_analyses()
    {
        var options = new PipelineOptions { MaxConcurrentAnalyses = Environment.ProcessorCount };
        Assert.Equal(1, options.ThreadsPerAnalysis);
        Assert.Equal(Environment.ProcessorCount, (options with { MaxConcurrentAnalyses = 1 }).ThreadsPerAnalysis);
        Assert.Equal(3, (options with { IntraOpThreads = 3 }).ThreadsPerAnalysis);

        // Threads given alone: as many analyses of that many threads as the cores hold, not one per core.
        var threaded = new PipelineOptions { MaxConcurrentAnalyses = 0, IntraOpThreads = Environment.ProcessorCount };
        Assert.Equal((1, Environment.ProcessorCount), (threaded.Concurrency, threaded.ThreadsPerAnalysis));
        Assert.Equal(Environment.ProcessorCount, (threaded with { IntraOpThreads = 1 }).Concurrency);
        Assert.Equal(PipelineOptions.DefaultConcurrency, (threaded with { IntraOpThreads = 0 }).Concurrency);
    }
}
