using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>Stage 3: aligned crops to L2-normalised embeddings.</summary>
public interface IFaceEmbedder : IDisposable
{
    ModelManifest Manifest { get; }

    ModelIdentity Identity { get; }

    int Dimension { get; }

    /// <summary>The crop side the model takes (112 for ArcFace models).</summary>
    int InputSize { get; }

    TimeSpan InferenceTime { get; }

    /// <summary>One L2-normalised embedding per crop, in order; crops must be InputSize x InputSize.</summary>
    float[][] Embed(IReadOnlyList<RgbImage> alignedFaces);
}
