namespace ArcFaceKit.Evaluation;

/// <summary>HOTA and its parts, each the mean over the localisation thresholds 0.05, 0.10, ..., 0.95.</summary>
internal sealed record HotaScores(double Hota, double DetA, double AssA, double LocA);
