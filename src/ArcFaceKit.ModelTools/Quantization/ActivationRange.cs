namespace ArcFaceKit.Models.Quantization;

/// <summary>The range of values a tensor took over the calibration inputs, widened to include zero (as uint8 needs).</summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>uint8 asymmetric: value = (q - zeroPoint) * scale; zero is exact, the range maps onto 0..255.</summary>
    public (float Scale, byte ZeroPoint) ToUInt8()
    {
        float min = Math.Min(Min, 0f), max = Math.Max(Max, 0f);
        if (max - min < 1e-12f)
        {
            return (1f, 0);
        }

        float scale = (max - min) / 255f;
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0f, 255f));
    }
}
