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

    internal FaceAligner(FaceTemplate template) => Template = template;

    internal FaceTemplate Template { get; }

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
