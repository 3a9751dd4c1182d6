namespace ArcFaceKit.Matching;

/// <summary>A 1:1 decision: the similarity, the threshold applied and the verdict.</summary>
public sealed record Verification(float Similarity, SimilarityThreshold Threshold)
{
    public bool IsSamePerson => Similarity >= Threshold.Cosine;

    public static Verification Of(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimilarityThreshold threshold) =>
        new(CosineSimilarity.Between(a, b), threshold);
}
