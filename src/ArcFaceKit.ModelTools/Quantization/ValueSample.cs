namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// A bounded, seeded sample of one tensor's values over all calibration inputs (exact min and max kept aside), from
/// which a quantization range is chosen.
/// </summary>
internal sealed class ValueSample(int seed)
{
    private const int Capacity = 1 << 18;
    private const int PerInput = 1 << 14;
    private static readonly double[] ClippedShares = [0, 1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2];

    private readonly List<float> _values = [];
    private readonly Random _random = new(seed);
    private long _seen;
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;

    public void Add(ReadOnlySpan<float> values)
    {
        _min = Math.Min(_min, System.Numerics.Tensors.TensorPrimitives.Min(values));
        _max = Math.Max(_max, System.Numerics.Tensors.TensorPrimitives.Max(values));
        int step = Math.Max(1, values.Length / PerInput);
        for (int i = _random.Next(step); i < values.Length; i += step)
        {
            // Reservoir sampling: every sampled value has the same chance to stay once the sample is full.
            _seen++;
            if (_values.Count < Capacity)
            {
                _values.Add(values[i]);
            }
            else if (_random.NextInt64(_seen) is long slot && slot < Capacity)
            {
                _values[(int)slot] = values[i];
            }
        }
    }

    public ActivationRange Range(CalibrationMethod method)
    {
        var full = new ActivationRange(_min, _max);
        if (method == CalibrationMethod.MinMax || _values.Count == 0)
        {
            return full;
        }

        var sorted = _values.ToArray();
        Array.Sort(sorted);
        var best = full;
        double bestError = double.PositiveInfinity;
        foreach (double share in ClippedShares)
        {
            int k = (int)(share * sorted.Length);
            var candidate = share == 0 ? full : new ActivationRange(sorted[k], sorted[sorted.Length - 1 - k]);
            double error = Error(sorted, candidate);
            if (error < bestError)
            {
                (best, bestError) = (candidate, error);
            }
        }

        return best;
    }

    private static double Error(float[] values, ActivationRange range)
    {
        var (scale, zero) = range.ToUInt8();
        double sum = 0;
        foreach (float v in values)
        {
            float q = Math.Clamp(MathF.Round(v / scale) + zero, 0f, 255f);
            float d = ((q - zero) * scale) - v;
            sum += d * d;
        }

        return sum / values.Length;
    }
}
