using ArcFaceKit.Imaging;

namespace ArcFaceKit.Detection;

/// <summary>
/// Stage 1: finds faces with five landmarks in an image of any size. One method: a detector of one's own implements
/// only this (model information is <see cref="Models.IModelInfo"/>, optional; selection is the pipeline's).
/// </summary>
public interface IFaceDetector
{
    /// <summary>Faces in original image coordinates, best score first.</summary>
    IReadOnlyList<DetectedFace> Detect(RgbImage image, CancellationToken cancellationToken = default);
}
