using ArcFaceKit.Models;

namespace ArcFaceKit.Detection;

/// <summary>Makes the detector a manifest's architecture names.</summary>
public static class FaceDetectors
{
    public static FaceDetectorBase Open(string path, DetectorOptions? options = null, InferenceOptions? inference = null) =>
        Create(ModelResolver.Resolve(path, "detector"), options, inference);

    internal static FaceDetectorBase Create(ResolvedModel model, DetectorOptions? options = null, InferenceOptions? inference = null) =>
        model.Manifest.Architecture switch
        {
            "yunet" => new YuNetDetector(model, options, inference),
            "scrfd" => new ScrfdDetector(model, options, inference),
            "ultraface-68" => new UltraFaceLandmarkDetector(model, options, inference),
            var other => throw new ModelContractException($"Detector architecture '{other}' is not supported (yunet, scrfd, ultraface-68)."),
        };
}
