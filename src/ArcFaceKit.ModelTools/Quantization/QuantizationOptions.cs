using ArcFaceKit.Detection;

namespace ArcFaceKit.Models.Quantization;

/// <summary>How <see cref="ModelQuantizer"/> calibrates.</summary>
public sealed record QuantizationOptions
{
    /// <summary>For an embedder: the detector that finds and aligns the calibration faces (required then).</summary>
    public string? Detector { get; init; }

    /// <summary>Detector settings used while calibrating (a detector's own defaults when quantizing one).</summary>
    public DetectorOptions Detection { get; init; } = DetectorOptions.Default;

    /// <summary>
    /// At most this many photos, spread evenly over the sorted list: a few hundred fix the ranges (min-max over 300
    /// CelebA-subset photos is what the measurements of docs/speed.md used).
    /// </summary>
    public int MaxImages { get; init; } = 300;

    /// <summary>How activation ranges are chosen; the default is what measured best (docs/speed.md: int8).</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinimumError;
}
