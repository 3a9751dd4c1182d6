using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Storage;

namespace ArcFaceKit.Server.Tests.Support;

/// <summary>The real models and faces the server tests use: YuNet (320) + MobileFaceNet from ../shared, LFW photos.</summary>
internal static class TestModels
{
    private static readonly Lazy<FaceAnalyzer> LazyAnalyzer = new(() => FaceAnalyzer.Open(Options(_ => { })));

    public static string Detector => Path.Combine(SharedRoot.Path, "models", "yunet_s_dynamic.onnx");

    public static string Embedder => Path.Combine(SharedRoot.Path, "models", "mobilefacenet_a.onnx");

    /// <summary>One analyzer for store-level tests (the API tests get their own through the app).</summary>
    public static FaceAnalyzer Analyzer => LazyAnalyzer.Value;

    public static ModelIdentity Model => Analyzer.Pipeline.Embedder.Identity;

    public static string Lfw(string file) => Path.Combine(SharedRoot.Path, "datasets", "lfw-view2", "images", file);

    public static string Fixture(string file) => SharedRoot.Fixture(Path.Combine("images", file));

    /// <summary>Server options on the test models, with the given store settings applied.</summary>
    public static ServerOptions Options(Action<ServerOptions> store)
    {
        var options = new ServerOptions { Detector = Detector, Embedder = Embedder, DetectorInputSize = 320, RateLimitPerSecond = 10_000, RateLimitBurst = 10_000 };
        store(options);
        return options;
    }

    /// <summary>The one face of an LFW photo as the store receives it (embedding + aligned crop).</summary>
    public static NewFace Face(string lfwFile)
    {
        var image = ImageDecoder.DecodeFile(Lfw(lfwFile));
        return Analyzer.ToNewFace(image, Analyzer.SingleFace(image, largest: true, lfwFile));
    }
}
