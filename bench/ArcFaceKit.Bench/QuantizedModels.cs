using ArcFaceKit.Models.Quantization;

namespace ArcFaceKit.Bench;

/// <summary>
/// The int8 models a bench compares against their fp32 parents, quantized in the same run (calibrated on the CelebA
/// subset, never on LFW) into a temporary folder, so the figures never depend on files made by hand.
/// </summary>
internal sealed class QuantizedModels : IDisposable
{
    public static readonly string[] Parents = ["mobilefacenet_a.onnx", "faceplugin_fr_feature.onnx", "yunet_s_dynamic.onnx", "faceplugin_fr_detect.onnx"];

    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-bench-int8-").FullName;

    public QuantizedModels(BenchOptions options)
    {
        var photos = Directory.GetFiles(options.CelebaImages, "*.jpg", SearchOption.AllDirectories).ToList();
        var quantization = new QuantizationOptions { Detector = Path.Combine(options.Models, "yunet_s_dynamic.onnx"), MaxImages = options.Int("--calibration-images", 300) };
        foreach (var parent in Parents)
        {
            string output = Path.Combine(_dir, Path.GetFileNameWithoutExtension(parent) + "_int8.onnx");
            var started = DateTime.UtcNow;
            var manifest = ModelQuantizer.Quantize(Path.Combine(options.Models, parent), photos, output, quantization);
            Console.WriteLine($"  quantized {parent} -> {Path.GetFileName(output)} ({manifest.Quantization!.CalibrationSet}, {(DateTime.UtcNow - started).TotalSeconds:F0} s)");
        }
    }

    /// <summary>The int8 file made from a parent file name.</summary>
    public string Of(string parent) => Path.Combine(_dir, Path.GetFileNameWithoutExtension(parent) + "_int8.onnx");

    public bool IsQuantized(string file) => Path.GetDirectoryName(file) == _dir;

    /// <summary>The parent file name of an int8 file this made.</summary>
    public string ParentOf(string file) => Parents.Single(p => Of(p) == file);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
