using System.Reflection;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Models;

/// <summary>
/// Finds a model's manifest: a manifest path given directly, NAME.manifest.json beside the model file,
/// or a built-in manifest known by the file's SHA-256. Never guesses a contract from node names.
/// </summary>
internal static class ModelResolver
{
    private static readonly Lazy<List<ModelManifest>> Known = new(LoadKnown);
    private static readonly Lazy<List<ModelManifest>> Singles = new(() => [.. Known.Value.Where(m => m.Architecture != FusedFaceEmbedder.Architecture)]);
    private static readonly Lazy<List<ModelManifest>> Fusions = new(() => [.. Known.Value.Where(m => m.Architecture == FusedFaceEmbedder.Architecture)]);

    /// <summary>Manifests this library ships for models whose contracts were checked (../shared/models, the npm default set).</summary>
    internal static IReadOnlyList<ModelManifest> KnownManifests => Singles.Value;

    /// <summary>Fusions of known models whose thresholds the library measured (found by their members, never by a file).</summary>
    internal static IReadOnlyList<ModelManifest> KnownFusions => Fusions.Value;

    public static ResolvedModel Resolve(string path, string expectedKind)
    {
        var model = Resolve(path);
        if (model.Manifest.Kind != expectedKind)
        {
            throw new ModelContractException($"{path} is '{model.Manifest.Name}' (kind: {model.Manifest.Kind}); a {expectedKind} is needed here.");
        }

        return model;
    }

    /// <summary>A model of either kind, with its manifest (beside it, or built in) and every file it names.</summary>
    public static ResolvedModel Resolve(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelContractException($"Model file not found: {path}");
        }

        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        ModelManifest manifest;
        string? primaryPath = null;
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            manifest = ModelManifest.Parse(File.ReadAllText(path), path);
        }
        else
        {
            primaryPath = Path.GetFullPath(path);
            string beside = ManifestPathFor(path);
            if (File.Exists(beside))
            {
                manifest = ModelManifest.Parse(File.ReadAllText(beside), beside);
            }
            else
            {
                string sha = Sha256File.Of(path);
                manifest = KnownManifests.FirstOrDefault(m => m.PrimaryFile.Sha256 == sha)
                    ?? throw new ModelContractException(
                        $"{path} (SHA-256 {sha}) has no manifest: write {Path.GetFileName(beside)} beside it (format in docs/model-manifest.md), or use a known model.");
            }
        }

        var paths = new Dictionary<string, string>();
        foreach (var entry in manifest.Files)
        {
            paths[entry.Role] = entry == manifest.PrimaryFile && primaryPath is not null
                ? primaryPath
                : Locate(dir, entry) ?? throw new ModelContractException(
                    $"Model '{manifest.Name}' needs its {entry.Role} file {entry.File} (SHA-256 {entry.Sha256}) in {dir}.");
        }

        return new ResolvedModel(manifest, paths);
    }

    private const string ManifestSuffix = ".manifest.json";

    /// <summary>Where a model's own manifest lives: model.onnx -> model.manifest.json.</summary>
    internal static string ManifestPathFor(string modelPath) => Path.ChangeExtension(modelPath, ManifestSuffix);

    /// <summary>The file a fusion's manifest goes in, named after the fusion (which has no model file of its own).</summary>
    internal static string FusionManifestFile(string fusionName) => fusionName + ManifestSuffix;

    private static string? Locate(string dir, ModelFileEntry entry)
    {
        string named = Path.Combine(dir, entry.File);
        if (File.Exists(named))
        {
            return named;
        }

        // Files keep their contract under another name (npm's fr_landmark.onnx is faceplugin_fr_landmark.onnx here).
        return Directory.EnumerateFiles(dir, "*.onnx").FirstOrDefault(f => Sha256File.Of(f) == entry.Sha256);
    }

    private static List<ModelManifest> LoadKnown()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ArcFaceKit.KnownModels.json")
            ?? throw new InvalidOperationException("KnownModels.json resource missing.");
        var list = System.Text.Json.JsonSerializer.Deserialize<List<ModelManifest>>(stream, ModelManifest.JsonOptions) ?? [];
        foreach (var m in list)
        {
            m.Validate($"built-in manifest {m.Name}");
        }

        return list;
    }
}
