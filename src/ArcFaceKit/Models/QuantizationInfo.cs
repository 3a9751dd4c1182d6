namespace ArcFaceKit.Models;

/// <summary>How a quantized model was made from its float parent (a quantized model's manifest carries it).</summary>
internal sealed record QuantizationInfo
{
    /// <summary>The float parent's manifest name.</summary>
    public string Parent { get; init; } = "";

    /// <summary>SHA-256 of each parent file, by role, so the parent is pinned, not just named.</summary>
    public IReadOnlyDictionary<string, string> ParentSha256 { get; init; } = new Dictionary<string, string>();

    /// <summary>The quantization scheme, e.g. QDQ with uint8 activations per tensor and int8 weights per channel.</summary>
    public string Method { get; init; } = "";

    /// <summary>How activation ranges were measured, e.g. "min-max".</summary>
    public string Calibration { get; init; } = "";

    /// <summary>The calibration photos: folder, count, and SHA-256 of the sorted list of their names and sizes.</summary>
    public string CalibrationSet { get; init; } = "";

    /// <summary>Model inputs the calibration ran, by role (faces for an embedder, photos for a detector).</summary>
    public IReadOnlyDictionary<string, int> CalibrationInputs { get; init; } = new Dictionary<string, int>();
}
