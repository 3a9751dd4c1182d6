using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Alignment;

/// <summary>Similarity transform of five landmarks to a template (the ArcFace one unless told), then a bilinear warp with border 0.</summary>
public sealed class FaceAligner : IFaceAligner
{
    public FaceAligner(int cropSize = ArcFaceTemplate.BaseSize)
        : this(FaceTemplate.ArcFace(cropSize))
    {
    }

    private FaceAligner(FaceTemplate template) => Template = template;

    /// <summary>The template the crops are aligned to.</summary>
    public FaceTemplate Template { get; }

    /// <summary>An aligner to any template: for each of an embedder's <see cref="Recognition.IFaceEmbedder.Templates"/>.</summary>
    public static FaceAligner For(FaceTemplate template) => new(template ?? throw new ArgumentNullException(nameof(template)));

    public int CropSize => Template.Size;

    public AffineMatrix TransformFor(IReadOnlyList<FacePoint> landmarks)
    {
        if (landmarks.Count != DetectedFace.LandmarkCount)
        {
            throw new ArgumentException($"Alignment needs {DetectedFace.LandmarkCount} landmarks, got {landmarks.Count}.", nameof(landmarks));
        }

        return SimilarityTransform.Estimate(landmarks, Template.Points);
    }

    public RgbImage Align(RgbImage image, IReadOnlyList<FacePoint> landmarks) =>
        AffineWarp.Warp(image, TransformFor(landmarks), CropSize, CropSize);
}
