using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Models;

/// <summary>How sessions run: thread count and, optionally, the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux in place of the CPU package).</summary>
public sealed record InferenceOptions
{
    /// <summary>Threads inside one model run; 0 lets ONNX Runtime choose (all cores).</summary>
    public int IntraOpThreads { get; init; }

    public bool UseCuda { get; init; }

    /// <summary>Sees every input a model is run on (calibration of quantized models); called before the run, on its thread.</summary>
    internal Action<ModelFileEntry, Memory<float>, long[]>? InputObserver { get; init; }

    public static InferenceOptions Default { get; } = new();

    public SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = IntraOpThreads,
        };
        if (UseCuda)
        {
            options.AppendExecutionProvider_CUDA();
        }

        return options;
    }
}
