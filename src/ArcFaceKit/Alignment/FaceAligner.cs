using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Alignment;

/// <summary>Similarity transform of five landmarks to the ArcFace template, then a bilinear warp with border 0.</summary>
public sealed class FaceAligner(int cropSize = ArcFaceTemplate.BaseSize) : IFaceAligner
{
    private readonly IReadOnlyList<FacePoint> _template = ArcFaceTemplate.For(cropSize);

    public int CropSize { get; } = cropSize;

    public AffineMatrix TransformFor(IReadOnlyList<FacePoint> landmarks)
    {
        if (landmarks.Count != DetectedFace.LandmarkCount)
        {
            throw new ArgumentException($"Alignment needs {DetectedFace.LandmarkCount} landmarks, got {landmarks.Count}.", nameof(landmarks));
        }

        return SimilarityTransform.Estimate(landmarks, _template);
    }

    public RgbImage Align(RgbImage image, IReadOnlyList<FacePoint> landmarks) =>
        AffineWarp.Warp(image, TransformFor(landmarks), CropSize, CropSize);
}
