using ArcFaceKit.Training.Export;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Backbones;

/// <summary>An embedding network: square RGB input of InputSize, EmbeddingSize outputs (before L2 normalisation).</summary>
public interface IBackbone : IOnnxExportable
{
    string Architecture { get; }

    int InputSize { get; }

    int EmbeddingSize { get; }

    Tensor forward(Tensor input);
}
