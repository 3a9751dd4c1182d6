namespace ArcFaceKit.Quality;

/// <summary>
/// How usable a face is for recognition, from what the pipeline already knows: <see cref="Score"/> (0 worst .. 1 best)
/// is the product of the five factors' ratings (see <see cref="FaceQualityRules"/>), each also given raw.
/// </summary>
/// <param name="Score">Overall: the product of the factor ratings, each at least 0.05 so the order stays informative.</param>
/// <param name="DetectorScore">The detector's confidence.</param>
/// <param name="FaceSize">The shorter side of the face box, in photo pixels.</param>
/// <param name="Sharpness">Variance of the Laplacian of the aligned crop's grey levels (blur lowers it).</param>
/// <param name="Yaw">Nose offset from the eyes' midpoint across the face, in inter-ocular distances (0 frontal, about 0.5 and more in profile).</param>
/// <param name="Roll">Angle of the eye line, degrees.</param>
/// <param name="TemplateFit">How far the five landmarks sit from the ArcFace template after alignment: RMS, in crop pixels.</param>
public sealed record FaceQuality(float Score, float DetectorScore, float FaceSize, float Sharpness, float Yaw, float Roll, float TemplateFit);
