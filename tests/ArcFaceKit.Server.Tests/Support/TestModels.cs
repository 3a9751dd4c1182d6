using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The real models and faces the server tests use: YuNet (320) + MobileFaceNet from ../shared, LFW photos.</summary>
internal static class TestModels
{
    private static readonly Lazy<FacePipeline> LazyService = new(() => FacePipeline.Open(Options(_ => { }).ModelsInForce(), Options(_ => { }).Pipeline));

    public static string Detector => Path.Combine(SharedRoot.Path, "models", "yunet_s_dynamic.onnx");

    public static string Embedder => Path.Combine(SharedRoot.Path, "models", "mobilefacenet_a.onnx");

    /// <summary>One service for gallery-level tests (the API tests get their own through the app).</summary>
    public static FacePipeline Service => LazyService.Value;

    public static ModelIdentity Model => Service.Embedder.Identity;

    /// <summary>The similarity a face needs to join a group of unnamed faces, as the server's gallery workflows use it.</summary>
    public static float GroupThreshold => new GalleryService(Service).GroupThreshold;

    public static string Lfw(string file) => Path.Combine(SharedRoot.Path, "datasets", "lfw-view2", "images", file);

    public static string Fixture(string file) => SharedRoot.Fixture(Path.Combine("images", file));

    /// <summary>Server options on the test models, with the given store settings applied.</summary>
    public static ServerOptions Options(Action<ServerOptions> store)
    {
        var options = new ServerOptions
        {
            Models = new FaceModels { Detector = Detector, Embedder = Embedder, Detection = new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f } },
            RateLimitPerSecond = 10_000,
            RateLimitBurst = 10_000,
        };
        store(options);
        return options;
    }

    /// <summary>The one face of an LFW photo as the gallery receives it (embedding + aligned crop).</summary>
    public static NewFace Face(string lfwFile)
    {
        var face = Service.SingleFaceAsync(Service.DecodeFile(Lfw(lfwFile)), FaceSelection.Largest, lfwFile).GetAwaiter().GetResult();
        return NewFace.From(face);
    }
}
