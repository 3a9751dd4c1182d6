namespace ArcFaceKit.Evaluation;

/// <summary>One operating point: accepting pairs with cosine >= Threshold gives this false and true accept rate.</summary>
public readonly record struct RocPoint(float Threshold, double Far, double Tar);
