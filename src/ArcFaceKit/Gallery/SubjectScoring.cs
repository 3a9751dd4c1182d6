namespace ArcFaceKit.Gallery;

/// <summary>How a subject with several faces is scored against a probe in 1:N search (and in verify against a subject).</summary>
public enum SubjectScoring
{
    /// <summary>The similarity of the subject's most similar face (CompreFace's rule).</summary>
    BestFace,

    /// <summary>The similarity of the subject's template: the L2-normalised mean of its face embeddings.</summary>
    MeanTemplate,

    /// <summary>The mean of the two scores above.</summary>
    Both,
}

/// <summary>The default scoring, chosen by measurement (docs/accuracy.md: 1:N scoring).</summary>
public static class SubjectScorings
{
    /// <summary>
    /// The mean of best face and template: the best rank-1 averaged over LFW (3 gallery photos, 2,700 distractors) and
    /// the CelebA subset (5 gallery photos) with two model pairs, 96.30% against 96.13% (template) and 95.90% (best face).
    /// </summary>
    public const SubjectScoring Default = SubjectScoring.Both;

    public static SubjectScoring Parse(string text) => text.ToLowerInvariant() switch
    {
        "best" or "best-face" or "bestface" => SubjectScoring.BestFace,
        "mean" or "template" or "mean-template" or "meantemplate" => SubjectScoring.MeanTemplate,
        "both" => SubjectScoring.Both,
        _ => throw new ArgumentException($"Scoring must be best-face, mean-template or both, not '{text}'."),
    };

    public static string Name(this SubjectScoring scoring) => scoring switch
    {
        SubjectScoring.BestFace => "best-face",
        SubjectScoring.MeanTemplate => "mean-template",
        _ => "both",
    };
}
