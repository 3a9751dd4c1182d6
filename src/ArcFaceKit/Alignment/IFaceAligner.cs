using ArcFaceKit.Detection;
using ArcFaceKit.Imaging;

namespace ArcFaceKit.Alignment;

/// <summary>Stage 2: turns five landmarks into an aligned square crop.</summary>
public interface IFaceAligner
{
    int CropSize { get; }

    AffineMatrix TransformFor(IReadOnlyList<FacePoint> landmarks);

    RgbImage Align(RgbImage image, IReadOnlyList<FacePoint> landmarks);
}
