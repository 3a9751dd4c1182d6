using ArcFaceKit.Models;
using ArcFaceKit.Training.Backbones;
using Google.Protobuf;
using TorchSharp;

namespace ArcFaceKit.Training.Export;

/// <summary>
/// Writes a trained backbone as ONNX (eval mode, batch norm as nodes, free batch dimension) with the manifest the
/// pipeline reads (docs/model-manifest.md): RGB, (x - 127.5) / 128, the preprocessing the trainer feeds.
/// </summary>
public static class BackboneExporter
{
    /// <summary>The input contract training uses; the manifest states it so the pipeline feeds the model the same way.</summary>
    internal static InputContract TrainingInput(int size) => new()
    {
        Width = size,
        Height = size,
        Channels = "RGB",
        Mean = [127.5f, 127.5f, 127.5f],
        Std = [128f, 128f, 128f],
        DynamicBatch = true,
    };

    /// <summary>Writes NAME.onnx and NAME.manifest.json into <paramref name="directory"/>; returns the model path.</summary>
    public static string Export<TBackbone>(TBackbone backbone, string directory, string name, string source, string licence = "your training data's licence")
        where TBackbone : torch.nn.Module, IBackbone
    {
        backbone.eval();
        var graph = new OnnxGraphBuilder("backbone", "ArcFaceKit.Training");
        string output;
        using (torch.no_grad())
        {
            output = backbone.Export(graph, "input");
        }

        byte[] bytes = graph.Build("input", 3, backbone.InputSize, output, backbone.EmbeddingSize).ToByteArray();
        Directory.CreateDirectory(directory);
        string modelPath = Path.Combine(directory, name + ".onnx");
        WriteAtomically(modelPath, bytes);
        var manifest = new ModelManifest
        {
            Name = name,
            Kind = "embedder",
            Architecture = "arcface",
            Files = [new ModelFileEntry { Role = "model", File = name + ".onnx", Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), Input = TrainingInput(backbone.InputSize) }],
            EmbeddingDimension = backbone.EmbeddingSize,
            Licence = licence,
            Source = $"{backbone.Architecture} trained with ArcFaceKit.Training: {source}",
        };
        WriteAtomically(ModelResolver.ManifestPathFor(modelPath), System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
        return modelPath;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        File.WriteAllBytes(path + ".partial", bytes);
        File.Move(path + ".partial", path, overwrite: true);
    }
}
