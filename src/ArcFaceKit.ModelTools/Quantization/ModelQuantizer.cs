using System.Security.Cryptography;
using System.Text;
using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.IO;
using ArcFaceKit.Recognition;
using ArcFaceKit.Pipeline;
using Google.Protobuf;
using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// Static int8 quantization of a detector or an embedder, calibrated on real photos run through the same pipeline
/// that will use the model (aligned crops for an embedder, the detector's own input canvases for a detector), so the
/// measured ranges are those of the inputs the model really sees. Every file of the model is quantized; the result is
/// a new model with its own manifest naming its parent, and its own identity (galleries of the parent refuse it).
/// </summary>
public static class ModelQuantizer
{
    public const string Method = "QDQ: uint8 activations (asymmetric, per tensor), int8 weights (symmetric, per output channel), int32 biases; Conv and Add quantized, output heads kept float";

    /// <summary>Quantizes the model at <paramref name="model"/> and writes it to <paramref name="output"/> with its manifest beside it.</summary>
    public static ModelManifest Quantize(string model, IReadOnlyList<string> calibrationImages, string output, QuantizationOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(calibrationImages);
        options ??= new QuantizationOptions();
        var parent = ModelResolver.Resolve(model);
        if (parent.Manifest.Quantization is not null)
        {
            throw new ModelContractException($"{model} is already quantized (from {parent.Manifest.Quantization.Parent}).");
        }

        var images = Spread(calibrationImages.Order(StringComparer.Ordinal).ToList(), options.MaxImages);
        if (images.Count == 0)
        {
            throw new ArgumentException("No calibration photos given.", nameof(calibrationImages));
        }

        var files = parent.Manifest.Files.Select(entry => QuantizedFile.Plan(entry, parent.PathOf(entry.Role))).ToList();
        try
        {
            var bySha = files.ToDictionary(f => f.Entry.Sha256, StringComparer.OrdinalIgnoreCase);
            var inference = new InferenceOptions { InputObserver = (entry, input, shape) => bySha[entry.Sha256].Calibrator.Observe(input, shape) };
            Calibrate(parent, images, options, inference, progress);

            string name = Path.GetFileNameWithoutExtension(output);
            string dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
            var entries = new List<ModelFileEntry>();
            foreach (var f in files)
            {
                string fileName = f.Entry == parent.Manifest.PrimaryFile ? Path.GetFileName(output) : $"{name}.{f.Entry.Role}.onnx";
                byte[] bytes = f.Write(options.Calibration);
                AtomicFile.WriteAllBytes(Path.Combine(dir, fileName), bytes);
                entries.Add(f.Entry with { File = fileName, Sha256 = Sha256File.Of(bytes) });
            }

            var manifest = parent.Manifest with
            {
                Name = name,
                Files = entries,
                Thresholds = [],
                Source = $"{parent.Manifest.Source}; quantized to int8 from {parent.Manifest.Name} by ArcFaceKit",
                Quantization = new QuantizationInfo
                {
                    Parent = parent.Manifest.Name,
                    ParentSha256 = parent.Manifest.Files.ToDictionary(f => f.Role, f => f.Sha256),
                    Method = Method,
                    Calibration = options.Calibration.ToString(),
                    CalibrationSet = Describe(images),
                    CalibrationInputs = files.ToDictionary(f => f.Entry.Role, f => f.Calibrator.InputsSeen),
                },
            };
            manifest.Validate(output);
            AtomicFile.WriteAllText(ModelResolver.ManifestPathFor(output), manifest.ToJson());
            return manifest;
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }

    private static void Calibrate(ResolvedModel parent, List<string> images, QuantizationOptions options, InferenceOptions inference, IProgress<int>? progress)
    {
        bool isEmbedder = parent.Manifest.Kind == "embedder";
        if (isEmbedder && parent.Manifest.Architecture != "arcface")
        {
            throw new ModelContractException($"{parent.Manifest.Name} ({parent.Manifest.Architecture}) cannot be quantized as one model: quantize its members.");
        }

        // An embedder sees what the service feeds it (every face found, aligned); a detector, each photo.
        using var pipeline = isEmbedder
            ? new FacePipeline(
                FaceDetectors.Open(options.Detector ?? throw new ArgumentException("Quantizing an embedder needs a detector to find the calibration faces."), options.Detection),
                new OnnxFaceEmbedder(parent, null, inference),
                new PipelineOptions { MaxConcurrentAnalyses = 1 })
            : null;
        using var detector = isEmbedder ? null : FaceDetectors.Create(parent, options.Detection, inference);
        for (int i = 0; i < images.Count; i++)
        {
            RgbImage image;
            try
            {
                image = ImageDecoder.DecodeFile(images[i]);
            }
            catch (ImageDecodeException)
            {
                continue; // an unreadable photo calibrates nothing; the counts in the manifest say what was used
            }

            if (pipeline is not null)
            {
                pipeline.AnalyzeAsync(image).GetAwaiter().GetResult();   // single-threaded calibration: nothing to wait for
            }
            else
            {
                detector!.Detect(image);
            }

            progress?.Report(i + 1);
        }
    }

    private static List<string> Spread(List<string> sorted, int max) =>
        sorted.Count <= max ? sorted : [.. Enumerable.Range(0, max).Select(i => sorted[(int)((long)i * sorted.Count / max)])];

    private static string Describe(List<string> images)
    {
        var list = string.Join('\n', images.Select(p => $"{Path.GetFileName(p)} {new FileInfo(p).Length}"));
        string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(list)));
        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(images[0]))) ?? "";
        return $"{images.Count} photos from {folder}/ (list SHA-256 {sha})";
    }

    /// <summary>One file of the model: its plan, and the calibrator that watches its inputs.</summary>
    private sealed class QuantizedFile : IDisposable
    {
        private readonly QdqPlan _plan;

        private QuantizedFile(ModelFileEntry entry, QdqPlan plan, ActivationCalibrator calibrator)
        {
            Entry = entry;
            _plan = plan;
            Calibrator = calibrator;
        }

        public ModelFileEntry Entry { get; }

        public ActivationCalibrator Calibrator { get; }

        public static QuantizedFile Plan(ModelFileEntry entry, string path)
        {
            var model = InferenceGraph.Parse(Sha256File.ReadVerified(path, entry));
            SubnormalWeights.FlushToZero(model);
            CrossLayerEqualization.Apply(model);
            InferenceGraph.Prepare(model);
            var plan = QdqPlan.For(model);
            return new QuantizedFile(entry, plan, new ActivationCalibrator(model, plan.Activations));
        }

        public byte[] Write(CalibrationMethod method) => QdqWriter.Write(_plan, Calibrator.Ranges(method)).ToByteArray();

        public void Dispose() => Calibrator.Dispose();
    }
}
