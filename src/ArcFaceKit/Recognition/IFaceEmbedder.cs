using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>Stage 3: aligned crops to L2-normalised embeddings.</summary>
public interface IFaceEmbedder : IDisposable
{
    ModelManifest Manifest { get; }

    ModelIdentity Identity { get; }

    int Dimension { get; }

    /// <summary>The crop side the model takes (112 for ArcFace models); a fusion's first template's.</summary>
    int InputSize { get; }

    /// <summary>
    /// The crops each face is given as, in order: a model's one template; a fusion's distinct member templates. Callers
    /// align every face to each, and pass the crops face by face (Templates.Count crops a face).
    /// </summary>
    IReadOnlyList<FaceTemplate> Templates => [FaceTemplate.ArcFace(InputSize)];

    TimeSpan InferenceTime { get; }

    /// <summary>
    /// One L2-normalised embedding per face, in order: each face as <see cref="Templates"/>' crops, in that order
    /// (one crop a face for a single model, InputSize x InputSize).
    /// </summary>
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
