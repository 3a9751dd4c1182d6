using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>A detected face, its L2-normalised embedding and the aligned crop the embedding was made from.</summary>
public sealed record FaceRecord(DetectedFace Face, float[] Embedding, RgbImage Crop)
{
    /// <summary>The embedding's length before normalisation (NaN when the embedder does not say): a quality signal.</summary>
    public float EmbeddingNorm { get; init; } = float.NaN;

    /// <summary>The records of each image's faces, from the crops and embeddings of all of them in order.</summary>
    internal static List<IReadOnlyList<FaceRecord>> Of(List<IReadOnlyList<DetectedFace>> faces, List<AlignedFace> aligned, IReadOnlyList<FaceEmbedding> embeddings)
    {
        var result = new List<IReadOnlyList<FaceRecord>>(faces.Count);
        int next = 0;
        foreach (var list in faces)
        {
            var records = new FaceRecord[list.Count];
            for (int j = 0; j < list.Count; j++, next++)
            {
                records[j] = new FaceRecord(list[j], embeddings[next].Vector, aligned[next].Crops[0]) { EmbeddingNorm = embeddings[next].Norm };
            }

            result.Add(records);
        }

        return result;
    }
}
