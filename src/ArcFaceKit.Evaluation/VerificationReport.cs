namespace ArcFaceKit.Evaluation;

/// <summary>The result of the 10-fold verification protocol over scored pairs.</summary>
public sealed record VerificationReport
{
    public required int Pairs { get; init; }

    /// <summary>Accuracy on each held-out fold with the threshold chosen on the other folds.</summary>
    public required IReadOnlyList<double> FoldAccuracies { get; init; }

    public required IReadOnlyList<float> FoldThresholds { get; init; }

    public double MeanAccuracy => FoldAccuracies.Average();

    /// <summary>Population standard deviation over folds (numpy's default, as InsightFace reports).</summary>
    public double StdAccuracy => Math.Sqrt(FoldAccuracies.Average(a => (a - MeanAccuracy) * (a - MeanAccuracy)));

    /// <summary>The best-accuracy threshold over all pairs (cosine).</summary>
    public required float BestThreshold { get; init; }

    public required double BestThresholdAccuracy { get; init; }

    /// <summary>The FAR target of the TAR figure (1e-3).</summary>
    public required double FarTarget { get; init; }

    /// <summary>Threshold (cosine) where the pooled false accept rate is at most FarTarget.</summary>
    public required float FarThreshold { get; init; }

    /// <summary>True accept rate at FarThreshold, pooled over all pairs.</summary>
    public required double TarAtFar { get; init; }

    /// <summary>The false accept rate actually reached at FarThreshold.</summary>
    public required double FarAchieved { get; init; }

    public required IReadOnlyList<RocPoint> Roc { get; init; }
}
