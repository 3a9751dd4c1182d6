using ArcFaceKit.Detection;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using ArcFaceKit.Training.Training;
using TorchSharp;

namespace ArcFaceKit.Training.Tests;

/// <summary>Real CelebA crops prepared once with the pipeline's detector and aligner, shared by the training tests.</summary>
public sealed class CelebaCrops : IDisposable
{
    public CelebaCrops()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("arcfacekit-celeba-").FullName;
        string celeba = Path.Combine(SharedRoot.Path, "datasets", "celeba-299");
        var all = SourceList.FromList(Path.Combine(celeba, "identities.txt"), Path.Combine(celeba, "images"));
        var eight = all.GroupBy(s => s.Identity).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(8).SelectMany(g => g).ToList();
        using var detector = FaceDetectors.Open(Path.Combine(SharedRoot.Path, "models", "yunet_s_dynamic.onnx"), new DetectorOptions { ScoreThreshold = 0.5f });
        Report = DatasetPreparer.Prepare(eight, detector, Directory);
        Sources = eight.Count;
    }

    public string Directory { get; }

    public PrepareReport Report { get; }

    public int Sources { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[Collection(SeededTorchCollection.Name)]
public sealed class TrainingTests(CelebaCrops crops) : IClassFixture<CelebaCrops>
{
    [Fact]
    public void Prepare_aligns_real_photos_and_reports_the_faces_it_missed()
    {
        Assert.Equal(crops.Sources, crops.Report.Written + crops.Report.NoFace.Count + crops.Report.Unreadable.Count);
        Assert.True(crops.Report.Written >= crops.Sources * 0.9, $"{crops.Report.Written} of {crops.Sources} photos aligned");
        Assert.Equal(8, Directory.GetDirectories(crops.Directory).Length);
    }

    [Fact]
    public void Loader_is_seeded_holds_out_a_split_and_flips()
    {
        var (train, held) = FaceDataset.Load(crops.Directory, 64, heldOutShare: 0.2, seed: 1);
        Assert.True(held.Count > 0 && train.Count > held.Count);
        var a = train.Batches(0, 8, seed: 5, flip: true).First();
        var b = train.Batches(0, 8, seed: 5, flip: true).First();
        var c = train.Batches(1, 8, seed: 5, flip: true).First();
        Assert.True(a.Input.allclose(b.Input, 0, 0));
        Assert.False(a.Input.allclose(c.Input, 0, 0));
    }

    [Fact]
    public void A_few_steps_lower_the_arcface_loss_on_real_crops()
    {
        torch.manual_seed(0);
        var (train, _) = FaceDataset.Load(crops.Directory, 64, heldOutShare: 0, seed: 0);
        var trainer = new Trainer<MobileFaceNet>(new MobileFaceNet(64, 64), new ArcFaceHead(64, train.Identities.Count, scale: 32, margin: 0.3),
            new TrainerOptions { Epochs = 12, BatchSize = 16, LearningRate = 0.05, WarmupSteps = 2, Seed = 0 });
        var losses = new List<double>();
        trainer.Run(train, r => losses.Add(r.Loss));
        Assert.True(losses.Count >= 30, $"{losses.Count} steps");
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Assert.True(last < first * 0.8, $"loss went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        var (train, _) = FaceDataset.Load(crops.Directory, 32, heldOutShare: 0, seed: 0);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.05, WarmupSteps = 2, Seed = 3 };
        Trainer<MobileFaceNet> Make(out MobileFaceNet net)
        {
            torch.manual_seed(42);
            net = new MobileFaceNet(32, 32);
            return new Trainer<MobileFaceNet>(net, new CosFaceHead(32, train.Identities.Count, 16, 0.2), options);
        }

        Make(out var whole).Run(train);

        string checkpoint = Path.Combine(crops.Directory, "..", $"ckpt-{Guid.NewGuid():N}.bin");
        try
        {
            var first = Make(out _);
            first.Run(train, stopAfter: step => step == 5);
            first.SaveCheckpoint(checkpoint);
            var second = Make(out var resumed);
            second.LoadCheckpoint(checkpoint);
            Assert.Equal(5, second.Step);
            second.Run(train);

            var a = whole.parameters().Select(p => p.detach().clone()).ToList();
            var b = resumed.parameters().Select(p => p.detach().clone()).ToList();
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i++)
            {
                Assert.True(a[i].allclose(b[i], rtol: 0, atol: 1e-6), $"parameter {i} differs after resume");
            }
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [Fact]
    public void Learning_rate_warms_up_then_decays_to_zero()
    {
        var trainer = new Trainer<MobileFaceNet>(new MobileFaceNet(16, 32), new NormSoftmaxHead(16, 2), new TrainerOptions { LearningRate = 0.1, WarmupSteps = 10, PolyPower = 2 });
        Assert.Equal(0.01, trainer.LearningRateAt(0, 110), 12);
        Assert.Equal(0.1, trainer.LearningRateAt(9, 110), 12);
        Assert.Equal(0.1 * 0.25, trainer.LearningRateAt(60, 110), 12);
        Assert.Equal(0.0, trainer.LearningRateAt(110, 110), 12);
    }
}
