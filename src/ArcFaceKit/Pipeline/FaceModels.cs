using ArcFaceKit.Detection;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>Which models a pipeline runs and how they are opened: read by <see cref="FacePipeline.Open"/> only.</summary>
public sealed record FaceModels
{
    /// <summary>Detector model: an .onnx file with a manifest beside it or known by SHA-256, or a .manifest.json.</summary>
    public required string Detector { get; init; }

    /// <summary>Embedder model, as for <see cref="Detector"/>.</summary>
    public required string Embedder { get; init; }

    /// <summary>Further embedders fused with <see cref="Embedder"/> (<see cref="FusedFaceEmbedder"/>, in this order); empty: it alone.</summary>
    public IReadOnlyList<string> FuseWith { get; init; } = [];

    // Fresh defaults, not the shared Default instances: configuration binding (the server's) sets the properties of
    // the instance it finds here.

    /// <summary>Score, NMS, minimum face size, input size and upscale limit of the detector.</summary>
    public DetectorOptions Detection { get; init; } = new();

    /// <summary>Flip test and batch size of the embedder.</summary>
    public EmbedderOptions Embedding { get; init; } = new();

    /// <summary>Run the models on CUDA (ONNX Runtime's GPU package in place of the CPU one; untested here).</summary>
    public bool UseCuda { get; init; }
}
