namespace ArcFaceKit.Models.Quantization;

/// <summary>How an activation's quantization range is chosen from the values seen during calibration.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen (ONNX Runtime's default): no clipping, coarse steps when a few values are far out.</summary>
    MinMax,

    /// <summary>
    /// The range, among the min-max one and ranges that clip the outer 1e-6 to 1e-2 of the values, whose uint8
    /// rounding-plus-clipping error over the sampled values is smallest (mean squared error).
    /// </summary>
    MinimumError,
}
