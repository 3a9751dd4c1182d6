using ArcFaceKit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Export;

/// <summary>TorchSharp weights as initializers of an exported graph.</summary>
public static class TensorInitializers
{
    /// <summary>Adds a tensor's values (as float32) as an initializer, in its own shape unless told, and returns its name.</summary>
    public static string Initializer(this OnnxGraphBuilder graph, Tensor value, string prefix, long[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(value);
        var data = value.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return graph.Initializer(data, prefix, shape ?? value.shape);
    }
}
