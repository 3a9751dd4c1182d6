using System.Globalization;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Bench;

/// <summary>
/// `detector-defaults`: the measurement behind the detector's defaults. For each upscale limit, YuNet runs once per
/// photo of LFW View 2 and of the CelebA subset (every photo holds a face) at a low score threshold; the photos left
/// without a face at each score threshold are then counted from the best score each photo got. Also printed: the
/// mean number of detections a photo gets above each threshold (these photos hold one main face, a few a second).
/// </summary>
internal static class DetectorDefaultsBench
{
    private static readonly float[] Scores = [0.5f, 0.6f, 0.7f, 0.8f, 0.9f];

    public static void Run(BenchOptions options)
    {
        var sets = new (string Name, List<string> Files)[]
        {
            ("LFW View 2", [.. Directory.EnumerateFiles(options.Images, "*.jpg").Order(StringComparer.Ordinal)]),
            ("CelebA subset", [.. Directory.EnumerateFiles(options.CelebaImages, "*.jpg").Order(StringComparer.Ordinal)]),
        };
        float[] upscales = [.. (options.Value("--upscale") ?? "1,1.5,2,3,100").Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
        int inputSize = options.Int("--input-size", 640);
        string model = Path.Combine(options.Models, options.Value("--detector") ?? "yunet_s_dynamic.onnx");
        Console.WriteLine($"detector defaults: {Path.GetFileName(model)}, input {inputSize}; photos without a face (of all), and detections a photo");
        Console.WriteLine($"| set | max upscale | {string.Join(" | ", Scores.Select(s => $"no face at {s:0.0}"))} | detections a photo at {string.Join(" / ", Scores.Select(s => $"{s:0.0}"))} |");
        Console.WriteLine($"|---|---|{string.Concat(Scores.Select(_ => "---|"))}---|");
        foreach (var (name, files) in sets)
        {
            var images = files.Select(f => ImageDecoder.DecodeFile(f)).ToList();
            foreach (float upscale in upscales)
            {
                using var detector = FaceDetectors.Open(model, new DetectorOptions { InputSize = inputSize, MaxUpscale = upscale, ScoreThreshold = 0.3f });
                var scores = images.Select(i => detector.Detect(i).Select(f => f.Score).ToList()).ToList();
                var missing = Scores.Select(t => scores.Count(s => s.All(v => v < t)));
                double perPhoto(float t) => scores.Average(s => s.Count(v => v >= t));
                Console.WriteLine($"| {name} ({images.Count}) | {(upscale >= 100 ? "none" : upscale.ToString("0.##", CultureInfo.InvariantCulture) + "x")} | " +
                    $"{string.Join(" | ", missing)} | {string.Join(" / ", Scores.Select(s => perPhoto(s).ToString("F3", CultureInfo.InvariantCulture)))} |");
            }
        }
    }
}
