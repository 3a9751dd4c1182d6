namespace ArcFaceKit.Recognition;

/// <summary>
/// An L2-normalised embedding, with its length before normalisation (NaN where an embedder does not say): models
/// trained with a margin loss give poor faces short embeddings, which makes the norm a quality signal.
/// </summary>
public sealed record FaceEmbedding(float[] Vector, float Norm = float.NaN);
