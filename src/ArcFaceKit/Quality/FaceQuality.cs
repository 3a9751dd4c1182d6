namespace ArcFaceKit.Quality;

/// <summary>
/// How usable a face is for recognition, from what the pipeline already knows: the embedding's norm before
/// normalisation (which predicts recognition failures), and five image factors (see <see cref="FaceQualityRules"/>)
/// rated into <see cref="ImageScore"/>, each also given raw.
/// </summary>
/// <param name="Score">
/// Overall, higher is better: <see cref="EmbeddingNorm"/> where the embedder gives it (so it compares faces of one
/// model: norms differ in scale between models), else <see cref="ImageScore"/>.
/// </param>
/// <param name="ImageScore">The product of the image factors' ratings, 0.05..1 each: low for blurred, tiny, turned or badly landmarked faces.</param>
/// <param name="DetectorScore">The detector's confidence.</param>
/// <param name="FaceSize">The shorter side of the face box, in photo pixels.</param>
/// <param name="Sharpness">Variance of the Laplacian of the aligned crop's grey levels (blur lowers it).</param>
/// <param name="Yaw">Nose offset from the eyes' midpoint across the face, in inter-ocular distances (0 frontal, about 0.5 and more in profile).</param>
/// <param name="Roll">Angle of the eye line, degrees.</param>
/// <param name="TemplateFit">How far the five landmarks sit from the ArcFace template after alignment: RMS, in pixels of a 112-pixel ArcFace crop.</param>
/// <param name="EmbeddingNorm">The embedding's length before normalisation (NaN when the embedder does not say; then left out of the score).</param>
public sealed record FaceQuality(float Score, float ImageScore, float DetectorScore, float FaceSize, float Sharpness, float Yaw, float Roll, float TemplateFit, float EmbeddingNorm);
