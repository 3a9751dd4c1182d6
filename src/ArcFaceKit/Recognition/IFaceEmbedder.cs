using ArcFaceKit.Alignment;

namespace ArcFaceKit.Recognition;

/// <summary>
/// Stage 3: aligned faces to L2-normalised embeddings. An embedder of one's own implements these three members (model
/// information is <see cref="Models.IModelInfo"/>, optional).
/// </summary>
public interface IFaceEmbedder
{
    /// <summary>What makes its embeddings comparable (a gallery is pinned to it); its <see cref="ModelIdentity.Dimension"/> is the embedding's.</summary>
    ModelIdentity Identity { get; }

    /// <summary>The crops each face is given as, in order: a model's one template; a fusion's distinct member templates.</summary>
    IReadOnlyList<FaceTemplate> Templates { get; }

    /// <summary>One embedding per face, in order; each face holds one crop per <see cref="Templates"/>, in that order.</summary>
    IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default);
}
