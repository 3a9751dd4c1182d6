namespace ArcFaceKit.Models;

/// <summary>
/// What a stage built from model files says of itself: its manifest (thresholds, licence, contract) and the time it
/// has spent inside its models. Optional: a user's own detector or embedder need not implement it.
/// </summary>
public interface IModelInfo
{
    ModelManifest Manifest { get; }

    /// <summary>Time spent inside ONNX Runtime since the stage was made.</summary>
    TimeSpan InferenceTime { get; }
}
