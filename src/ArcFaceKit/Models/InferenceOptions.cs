using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Models;

/// <summary>How sessions run: thread count and, optionally, the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu.Linux in place of the CPU package).</summary>
public sealed record InferenceOptions
{
    /// <summary>Threads inside one model run; 0 lets ONNX Runtime choose (all cores).</summary>
    public int IntraOpThreads { get; init; }

    public bool UseCuda { get; init; }

    /// <summary>
    /// Let ONNX Runtime's idle intra-op threads spin after a run (its default). Off by default here: the pipeline
    /// alternates two sessions, and the spinning threads of one took the cores from the other (bench pipeline: 73 against
    /// 96 images/s with YuNet + mobilefacenet_a, 43 against 90 with the faceplugin pair, on 2 cores).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Sees every input a model is run on (calibration of quantized models); called before the run, on its thread.</summary>
    internal Action<ModelFileEntry, Memory<float>, long[]>? InputObserver { get; init; }

    public static InferenceOptions Default { get; } = new();

    internal SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = IntraOpThreads,
        };
        if (!AllowSpinning)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }
        if (UseCuda)
        {
            options.AppendExecutionProvider_CUDA();
        }

        return options;
    }
}
