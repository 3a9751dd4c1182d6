using System.Numerics.Tensors;
using ArcFaceKit.Alignment;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>An ArcFace-style embedder over ONNX Runtime, fed exactly as its manifest says.</summary>
internal sealed class OnnxFaceEmbedder : IModelEmbedder
{
    private readonly OnnxModel _model;
    private readonly EmbedderOptions _options;

    public OnnxFaceEmbedder(ResolvedModel model, EmbedderOptions? options = null, InferenceOptions? inference = null)
    {
        Manifest = model.Manifest;
        if (Manifest.Architecture != "arcface")
        {
            throw new ModelContractException($"Embedder architecture '{Manifest.Architecture}' is not supported (arcface).");
        }

        _options = options ?? EmbedderOptions.Default;
        var entry = Manifest.File("model");
        _model = new OnnxModel(model.PathOf("model"), entry, inference, freeBatch: true);
        Dimension = Manifest.EmbeddingDimension;
        InputSize = entry.Input.Width;
        Templates = [FaceTemplate.For(entry.Input.Alignment, InputSize)];
        Identity = new ModelIdentity(Manifest.Name, entry.Sha256, Manifest.PreprocessingVersion, Dimension);
    }

    public ModelManifest Manifest { get; }

    public ModelIdentity Identity { get; }

    public int Dimension { get; }

    public int InputSize { get; }

    public IReadOnlyList<FaceTemplate> Templates { get; }

    public TimeSpan InferenceTime => _model.InferenceTime;

    /// <summary>Whether faces run through the model in batches (declared, or a fixed batch of one freed at load).</summary>
    internal bool AcceptsBatches => _model.AcceptsBatches;

    public static OnnxFaceEmbedder Open(string path, EmbedderOptions? options = null, InferenceOptions? inference = null) =>
        new(ModelResolver.Resolve(path, "embedder"), options, inference);

    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faces);
        List<RgbImage> crops = [.. faces.Select(f => f.Crops.Count == 1 ? f.Crops[0] : throw new ArgumentException($"{Manifest.Name} takes one crop a face ({Templates[0]}); got {f.Crops.Count}.", nameof(faces)))];
        return Embed(crops, cancellationToken);
    }

    /// <summary>As <see cref="Embed(IReadOnlyList{AlignedFace}, CancellationToken)"/>, one crop a face (the fusion's path to its members).</summary>
    internal FaceEmbedding[] Embed(IReadOnlyList<RgbImage> crops, CancellationToken cancellationToken)
    {
        var result = Raw(crops, cancellationToken);
        if (_options.FlipTest)
        {
            var flipped = Raw([.. crops.Select(f => f.FlipHorizontal())], cancellationToken);
            for (int i = 0; i < result.Length; i++)
            {
                TensorPrimitives.Add(result[i], flipped[i], result[i]);
            }
        }

        var embeddings = new FaceEmbedding[result.Length];
        for (int i = 0; i < result.Length; i++)
        {
            float norm = TensorPrimitives.Norm(result[i]) / (_options.FlipTest ? 2 : 1);
            Embeddings.Normalize(result[i]);
            embeddings[i] = new FaceEmbedding(result[i], norm);
        }

        return embeddings;
    }

    public void Dispose() => _model.Dispose();

    private float[][] Raw(IReadOnlyList<RgbImage> faces, CancellationToken cancellationToken)
    {
        foreach (var face in faces)
        {
            if (face.Width != InputSize || face.Height != InputSize)
            {
                throw new ArgumentException($"{Manifest.Name} takes {InputSize}x{InputSize} crops, got {face.Width}x{face.Height}.", nameof(faces));
            }
        }

        int batch = _model.AcceptsBatches ? Math.Max(1, _options.BatchSize) : 1;
        var output = new float[faces.Count][];
        for (int start = 0; start < faces.Count; start += batch)
        {
            int n = Math.Min(batch, faces.Count - start);
            float[] flat = _model.Run([.. Enumerable.Range(start, n).Select(i => faces[i])], cancellationToken)[0];
            if (flat.Length != n * Dimension)
            {
                throw new ModelContractException($"{Manifest.Name} gave {flat.Length / n} values a face; its manifest says {Dimension}.");
            }

            for (int i = 0; i < n; i++)
            {
                output[start + i] = flat.AsSpan(i * Dimension, Dimension).ToArray();
            }
        }

        return output;
    }
}
