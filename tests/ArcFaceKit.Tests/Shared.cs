using ArcFaceKit.Detection;
using ArcFaceKit.Recognition;
using ArcFaceKit.Service;

namespace ArcFaceKit.Tests;

/// <summary>Paths into ../shared (read-only) and models opened once for the whole run.</summary>
public static class Shared
{
    public static string Root => SharedRoot.Path;

    public static string Models => Path.Combine(Root, "models");

    public static string Model(string file) => Path.Combine(Models, file);

    public static string Fixture(string relative) => Path.Combine(Root, "fixtures", relative);

    public static string Lfw => Path.Combine(Root, "datasets", "lfw-view2");

    public static string LfwImage(string name) => Path.Combine(Lfw, "images", name);

    private static readonly Lazy<IFaceDetector> LazyYuNet = new(() => FaceDetectors.Open(Model("yunet_s_dynamic.onnx"), new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f }));
    private static readonly Lazy<IFaceEmbedder> LazyMobileFaceNet = new(() => OnnxFaceEmbedder.Open(Model("mobilefacenet_a.onnx")));

    public static IFaceDetector YuNet => LazyYuNet.Value;

    public static IFaceEmbedder MobileFaceNet => LazyMobileFaceNet.Value;

    /// <summary>The options of the test setup: YuNet at 320 (score 0.5) + mobilefacenet_a, as the LFW rows of docs/accuracy.md.</summary>
    public static FaceServiceOptions ServiceOptions => new()
    {
        Detector = Model("yunet_s_dynamic.onnx"),
        Embedder = Model("mobilefacenet_a.onnx"),
        Detection = DetectorOptions.Default with { InputSize = 320, ScoreThreshold = 0.5f },
    };

    public static FaceService OpenService(FaceServiceOptions? options = null) => FaceService.Open(options ?? ServiceOptions);
}
