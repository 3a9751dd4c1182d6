namespace ArcFaceKit.Quality;

/// <summary>A quality signal's ramp: the value rated poor and the value rated good (either may be the larger).</summary>
public sealed record QualityRamp(float Poor, float Good);
