using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Tests;

/// <summary>Paths into ../shared (read-only) and models opened once for the whole run.</summary>
internal static class Shared
{
    public static string Root => SharedRoot.Path;

    public static string Models => Path.Combine(Root, "models");

    public static string Model(string file) => Path.Combine(Models, file);

    public static string Fixture(string relative) => Path.Combine(Root, "fixtures", relative);

    public static string Lfw => Path.Combine(Root, "datasets", "lfw-view2");

    public static string LfwImage(string name) => Path.Combine(Lfw, "images", name);

    private static readonly Lazy<FaceDetectorBase> LazyYuNet = new(() => FaceDetectors.Open(Model("yunet_s_dynamic.onnx"), new DetectorOptions { InputSize = 320, ScoreThreshold = 0.5f }));
    private static readonly Lazy<OnnxFaceEmbedder> LazyMobileFaceNet = new(() => OnnxFaceEmbedder.Open(Model("mobilefacenet_a.onnx")));

    public static FaceDetectorBase YuNet => LazyYuNet.Value;

    public static OnnxFaceEmbedder MobileFaceNet => LazyMobileFaceNet.Value;

    private static readonly Lazy<List<float[]>> LazyLfwFaces = new(() =>
    {
        var files = Directory.EnumerateFiles(Path.Combine(Lfw, "images"), "*.jpg").Order(StringComparer.Ordinal).Take(300).ToList();
        using var service = OpenPipeline();
        return [.. ImageEmbeddings.ComputeAsync(service, files).GetAwaiter().GetResult().Values.OfType<float[]>()];
    });

    /// <summary>Embeddings of the first 300 LFW photos (by name) with the test setup's models, computed once: real faces for the search tests.</summary>
    public static IReadOnlyList<float[]> LfwFaces => LazyLfwFaces.Value;

    /// <summary>The options of the test setup: YuNet at 320 (score 0.5) + mobilefacenet_a, as the LFW rows of docs/accuracy.md.</summary>
    public static FaceModels ModelSet => new()
    {
        Detector = Model("yunet_s_dynamic.onnx"),
        Embedder = Model("mobilefacenet_a.onnx"),
        Detection = DetectorOptions.Default with { InputSize = 320, ScoreThreshold = 0.5f },
    };

    public static FacePipeline OpenPipeline(FaceModels? models = null, PipelineOptions? options = null) => FacePipeline.Open(models ?? ModelSet, options);

    /// <summary>One embedding of one crop (a single-template embedder).</summary>
    public static float[] Embed(this IFaceEmbedder embedder, RgbImage crop) => embedder.Embed([new AlignedFace(crop)])[0].Vector;

    /// <summary>One embedding per crop, in order.</summary>
    public static float[][] EmbedEach(this IFaceEmbedder embedder, IEnumerable<RgbImage> crops) => [.. embedder.Embed([.. crops.Select(c => new AlignedFace(c))]).Select(e => e.Vector)];
}
