using System.Text.Json;
using System.Text.Json.Serialization;

namespace ArcFaceKit.Models;

/// <summary>
/// Everything needed to run a model without guessing: its files with SHA-256, each file's input contract,
/// the output, measured thresholds and licence. Stored as JSON beside the model (NAME.manifest.json);
/// format documented in docs/model-manifest.md.
/// </summary>
public sealed record ModelManifest
{
    public const string CurrentFormat = "arcfacekit-model/1";

    public const string BestAccuracyThreshold = "best-accuracy";

    public const string FarThreshold = "far-1e-3";

    public string Format { get; init; } = CurrentFormat;

    public string Name { get; init; } = "";

    /// <summary>"detector" or "embedder".</summary>
    public string Kind { get; init; } = "";

    /// <summary>Decoder family: yunet, scrfd, ultraface-68 (detector + 68-point landmarks), arcface (embedder).</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The files with their hashes and input contracts: read by the stages that run them, so internal; [JsonInclude] keeps them in the JSON.</summary>
    [JsonInclude]
    internal IReadOnlyList<ModelFileEntry> Files { get; init; } = [];

    /// <summary>Embedding length (embedders only).</summary>
    public int EmbeddingDimension { get; init; }

    /// <summary>Version of the preprocessing this library applies for this manifest; part of an embedding's identity.</summary>
    public int PreprocessingVersion { get; init; } = 1;

    public IReadOnlyList<ThresholdEntry> Thresholds { get; init; } = [];

    public string Licence { get; init; } = "";

    public string Source { get; init; } = "";

    /// <summary>
    /// For a quantized model: its float parent and how it was quantized; null otherwise. Written by the model tools'
    /// quantizer and read back by it, so internal; [JsonInclude] keeps it in the manifest's JSON.
    /// </summary>
    [JsonInclude]
    internal QuantizationInfo? Quantization { get; init; }

    [JsonIgnore]
    internal ModelFileEntry PrimaryFile => Files.Count > 0 ? Files[0] : throw new ModelContractException($"Manifest '{Name}' lists no files.");

    internal ModelFileEntry File(string role) =>
        Files.FirstOrDefault(f => f.Role == role) ?? throw new ModelContractException($"Manifest '{Name}' has no '{role}' file.");

    public ThresholdEntry? Threshold(string name) => Thresholds.FirstOrDefault(t => t.Name == name);

    internal static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static ModelManifest Parse(string json, string origin)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelContractException($"{origin}: not a valid model manifest ({e.Message}).", e);
        }

        if (manifest is null)
        {
            throw new ModelContractException($"{origin}: empty model manifest.");
        }

        manifest.Validate(origin);
        return manifest;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    internal void Validate(string origin)
    {
        if (Format != CurrentFormat)
        {
            throw new ModelContractException($"{origin}: manifest format '{Format}' is not '{CurrentFormat}'.");
        }

        if (Kind is not ("detector" or "embedder"))
        {
            throw new ModelContractException($"{origin}: kind must be 'detector' or 'embedder', not '{Kind}'.");
        }

        if (Files.Count == 0 || Files.Any(f => f.Sha256.Length != 64 || string.IsNullOrEmpty(f.File)))
        {
            throw new ModelContractException($"{origin}: every file needs a name and a 64-hex-digit SHA-256.");
        }

        foreach (var f in Files)
        {
            f.Input.Validate($"{origin} ({f.Role})");
        }

        if (Kind == "embedder" && EmbeddingDimension <= 0)
        {
            throw new ModelContractException($"{origin}: an embedder manifest needs embeddingDimension.");
        }
    }
}
