using ArcFaceKit.Models;

namespace ArcFaceKit.Recognition;

/// <summary>Makes the embedder a manifest's architecture names: one ONNX model, or a fusion of several.</summary>
public static class FaceEmbedders
{
    /// <summary>One model file or manifest; a fusion manifest opens its members from beside it.</summary>
    public static IModelEmbedder Open(string path, EmbedderOptions? options = null, InferenceOptions? inference = null)
    {
        var model = ModelResolver.Resolve(path, "embedder");
        return model.Manifest.Architecture == FusedFaceEmbedder.Architecture
            ? Fuse([.. model.Manifest.Files.Select(f => model.PathOf(f.Role))], options, inference, model.Manifest)
            : new OnnxFaceEmbedder(model, options, inference);
    }

    /// <summary>Two or more model files fused, in this order (the order is part of the fusion's identity).</summary>
    public static IModelEmbedder Fuse(IReadOnlyList<string> paths, EmbedderOptions? options = null, InferenceOptions? inference = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Fuse(paths, options, inference, null);
    }

    private static FusedFaceEmbedder Fuse(IReadOnlyList<string> paths, EmbedderOptions? options, InferenceOptions? inference, ModelManifest? manifest)
    {
        var members = new List<OnnxFaceEmbedder>();
        try
        {
            foreach (var path in paths)
            {
                members.Add(OnnxFaceEmbedder.Open(path, options, inference));
            }

            return new FusedFaceEmbedder(members, manifest);
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }
    }
}
