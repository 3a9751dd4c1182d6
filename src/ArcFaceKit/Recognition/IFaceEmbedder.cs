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

    /// <summary>
    /// As <see cref="Embed"/>, with each embedding's length before it was normalised (NaN where an embedder does not
    /// say): models trained with a margin loss give poor faces short embeddings, which makes it a quality signal.
    /// </summary>
    (float[][] Embeddings, float[] Norms) EmbedWithNorms(IReadOnlyList<RgbImage> alignedFaces)
    {
        var embeddings = Embed(alignedFaces);
        return (embeddings, [.. embeddings.Select(_ => float.NaN)]);
    }
}
