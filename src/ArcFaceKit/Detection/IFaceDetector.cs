using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>Stage 1: finds faces with five landmarks in an image of any size.</summary>
public interface IFaceDetector : IDisposable
{
    ModelManifest Manifest { get; }

    DetectorOptions Options { get; }

    /// <summary>Time spent inside ONNX Runtime since the detector was made.</summary>
    TimeSpan InferenceTime { get; }

    /// <summary>Faces in original image coordinates, best score first (or the one face the selection asks for).</summary>
    IReadOnlyList<DetectedFace> Detect(RgbImage image);
}
