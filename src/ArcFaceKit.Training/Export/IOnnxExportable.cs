using ArcFaceKit.Models;

namespace ArcFaceKit.Training.Export;

/// <summary>A layer that can write itself as ONNX nodes (in eval mode): takes the name of its input, returns its output's.</summary>
public interface IOnnxExportable
{
    string Export(OnnxGraphBuilder graph, string input);
}
