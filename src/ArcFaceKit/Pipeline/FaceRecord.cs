using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Pipeline;

/// <summary>A detected face, its L2-normalised embedding and the aligned crop the embedding was made from.</summary>
public sealed record FaceRecord(DetectedFace Face, float[] Embedding, RgbImage Crop)
{
    /// <summary>The embedding's length before normalisation (NaN when the embedder does not say): a quality signal.</summary>
    public float EmbeddingNorm { get; init; } = float.NaN;
}
