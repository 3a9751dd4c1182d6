using ArcFaceKit.Detection;

namespace ArcFaceKit.Tracking;

/// <summary>
/// One track's box under a constant-velocity Kalman filter, as ByteTrack (after DeepSORT) models it: the state is the
/// centre (x, y), aspect ratio w/h, height and their velocities; noise is proportional to the height, so a large face may
/// move more pixels than a small one. Time is counted in frames of 1/30 s, the rate ByteTrack's noise weights were tuned
/// at (MOT17), so a source sampled at 5 frames a second predicts six such frames ahead.
/// </summary>
internal sealed class BoxKalmanFilter
{
    public const double FramesPerSecond = 30;

    private const int Dimensions = 8;
    private const double PositionWeight = 1.0 / 20;
    private const double VelocityWeight = 1.0 / 160;

    private readonly double[] _mean = new double[Dimensions];
    private readonly double[,] _covariance = new double[Dimensions, Dimensions];

    public BoxKalmanFilter(FaceBox box) => Reset(box);

    public FaceBox Box
    {
        get
        {
            double height = Math.Max(_mean[3], 0), width = Math.Max(_mean[2] * height, 0);
            return new FaceBox((float)(_mean[0] - width / 2), (float)(_mean[1] - height / 2), (float)width, (float)height);
        }
    }

    /// <summary>Starts again at <paramref name="box"/> at rest, with ByteTrack's initial uncertainty.</summary>
    public void Reset(FaceBox box)
    {
        var z = Measure(box);
        Array.Clear(_covariance);
        for (int i = 0; i < 4; i++)
        {
            _mean[i] = z[i];
            _mean[i + 4] = 0;
        }

        double h = z[3];
        double[] std = [2 * PositionWeight * h, 2 * PositionWeight * h, 1e-2, 2 * PositionWeight * h,
            10 * VelocityWeight * h, 10 * VelocityWeight * h, 1e-5, 10 * VelocityWeight * h];
        for (int i = 0; i < Dimensions; i++)
        {
            _covariance[i, i] = std[i] * std[i];
        }
    }

    /// <summary>
    /// Moves the state <paramref name="frames"/> frames ahead; the process noise grows with the time passed (a random walk
    /// of the velocity). A track not seen stops growing or shrinking, as ByteTrack's lost tracks do.
    /// </summary>
    public void Predict(double frames, bool seen)
    {
        if (!seen)
        {
            _mean[7] = 0;
        }

        if (frames <= 0)
        {
            return;
        }

        double h = _mean[3];
        for (int i = 0; i < 4; i++)
        {
            _mean[i] += frames * _mean[i + 4];
        }

        // P = F P Fᵀ with F = [[I, t I], [0, I]]: first rows (P F^T's columns), then columns.
        for (int i = 0; i < Dimensions; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                _covariance[i, j] += frames * _covariance[i, j + 4];
            }
        }

        for (int j = 0; j < Dimensions; j++)
        {
            for (int i = 0; i < 4; i++)
            {
                _covariance[i, j] += frames * _covariance[i + 4, j];
            }
        }

        double[] std = [PositionWeight * h, PositionWeight * h, 1e-2, PositionWeight * h,
            VelocityWeight * h, VelocityWeight * h, 1e-5, VelocityWeight * h];
        for (int i = 0; i < Dimensions; i++)
        {
            _covariance[i, i] += frames * std[i] * std[i];
        }
    }

    /// <summary>Corrects the state with a measured box (the observation is the state's first four values).</summary>
    public void Update(FaceBox box)
    {
        var z = Measure(box);
        double h = _mean[3];
        double[] noise = [PositionWeight * h, PositionWeight * h, 1e-1, PositionWeight * h];

        // Innovation covariance S = H P Hᵀ + R is P's top-left 4x4 block plus the measurement noise.
        var s = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                s[i, j] = _covariance[i, j] + (i == j ? noise[i] * noise[i] : 0);
            }
        }

        // Gain K = P Hᵀ S⁻¹; S is symmetric, so Kᵀ solves S Kᵀ = H P (P's first four rows).
        var lower = Cholesky(s);
        var gain = new double[Dimensions, 4];
        var column = new double[4];
        for (int d = 0; d < Dimensions; d++)
        {
            for (int k = 0; k < 4; k++)
            {
                column[k] = _covariance[k, d];
            }

            SolveCholesky(lower, column);
            for (int k = 0; k < 4; k++)
            {
                gain[d, k] = column[k];
            }
        }

        var innovation = new double[4];
        for (int k = 0; k < 4; k++)
        {
            innovation[k] = z[k] - _mean[k];
        }

        // P -= K S Kᵀ, and S Kᵀ = H P: so P -= K (P's first four rows). Both read the old P, hence the copy.
        var top = new double[4, Dimensions];
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < Dimensions; j++)
            {
                top[k, j] = _covariance[k, j];
            }
        }

        for (int i = 0; i < Dimensions; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                _mean[i] += gain[i, k] * innovation[k];
            }

            for (int j = 0; j < Dimensions; j++)
            {
                double change = 0;
                for (int k = 0; k < 4; k++)
                {
                    change += gain[i, k] * top[k, j];
                }

                _covariance[i, j] -= change;
            }
        }
    }

    private static double[] Measure(FaceBox box)
    {
        double height = Math.Max(box.Height, 1e-3f);
        return [box.X + box.Width / 2.0, box.Y + box.Height / 2.0, box.Width / height, height];
    }

    private static double[,] Cholesky(double[,] a)
    {
        var l = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, double.Epsilon)) : sum / l[j, j];
            }
        }

        return l;
    }

    /// <summary>Solves L Lᵀ x = b in place.</summary>
    private static void SolveCholesky(double[,] l, double[] b)
    {
        for (int i = 0; i < 4; i++)
        {
            for (int k = 0; k < i; k++)
            {
                b[i] -= l[i, k] * b[k];
            }

            b[i] /= l[i, i];
        }

        for (int i = 3; i >= 0; i--)
        {
            for (int k = i + 1; k < 4; k++)
            {
                b[i] -= l[k, i] * b[k];
            }

            b[i] /= l[i, i];
        }
    }
}
