using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The real models and faces the server tests use: YuNet (320) + MobileFaceNet from ../shared, LFW photos.</summary>
internal static class TestModels
{
    private static readonly Lazy<FaceService> LazyService = new(() => FaceService.Open(Options(_ => { }).ToServiceOptions()));

    public static string Detector => Path.Combine(SharedRoot.Path, "models", "yunet_s_dynamic.onnx");

    public static string Embedder => Path.Combine(SharedRoot.Path, "models", "mobilefacenet_a.onnx");

    /// <summary>One service for gallery-level tests (the API tests get their own through the app).</summary>
    public static FaceService Service => LazyService.Value;

    public static ModelIdentity Model => Service.Embedder.Identity;

    public static string Lfw(string file) => Path.Combine(SharedRoot.Path, "datasets", "lfw-view2", "images", file);

    public static string Fixture(string file) => SharedRoot.Fixture(Path.Combine("images", file));

    /// <summary>Server options on the test models, with the given store settings applied.</summary>
    public static ServerOptions Options(Action<ServerOptions> store)
    {
        var options = new ServerOptions { Detector = Detector, Embedder = Embedder, DetectorInputSize = 320, DetectorScore = 0.5f, RateLimitPerSecond = 10_000, RateLimitBurst = 10_000 };
        store(options);
        return options;
    }

    /// <summary>The one face of an LFW photo as the gallery receives it (embedding + aligned crop).</summary>
    public static NewFace Face(string lfwFile)
    {
        var face = Service.SingleFaceAsync(Service.DecodeFile(Lfw(lfwFile)), SingleFacePolicy.Largest, lfwFile).GetAwaiter().GetResult();
        return NewFace.From(face);
    }
}
