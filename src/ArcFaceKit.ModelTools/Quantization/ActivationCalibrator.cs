using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ArcFaceKit.Models.Quantization;

/// <summary>
/// Runs the float model with the plan's tensors exposed as outputs on every input the pipeline fed it, and keeps a
/// sample of each tensor's values from which <see cref="ValueSample"/> picks the quantization range.
/// </summary>
internal sealed class ActivationCalibrator : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly string _inputName;
    private readonly string[] _tensors;
    private readonly ValueSample[] _samples;
    private readonly Lock _gate = new();
    private readonly bool _fixedBatchOfOne;

    public ActivationCalibrator(ModelProto floatModel, IReadOnlyList<string> tensors)
    {
        var model = floatModel.Clone();
        var declared = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var t in tensors.Where(t => !declared.Contains(t)))
        {
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = t,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        // Basic optimisations only: fusions must not swallow the tensors being observed.
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        _session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), _options);
        _inputName = _session.InputMetadata.Keys.First();
        _fixedBatchOfOne = _session.InputMetadata[_inputName].Dimensions[0] == 1;
        _tensors = [.. tensors];
        _samples = [.. _tensors.Select((_, i) => new ValueSample(seed: i))];
    }

    public int InputsSeen { get; private set; }

    /// <summary>Runs one input batch (called synchronously from the pipeline's own Run, so its buffer is still valid).</summary>
    public void Observe(Memory<float> input, long[] shape)
    {
        if (shape[0] > 1 && _fixedBatchOfOne)
        {
            // The pipeline freed the model's batch; the calibration graph keeps it: one face at a time.
            int size = input.Length / (int)shape[0];
            for (int i = 0; i < shape[0]; i++)
            {
                Observe(input.Slice(i * size, size), [1, .. shape[1..]]);
            }

            return;
        }

        lock (_gate)
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
            using var outputs = _session.Run(_runOptions, [_inputName], [tensor], _tensors);
            for (int i = 0; i < _tensors.Length; i++)
            {
                _samples[i].Add(outputs[i].GetTensorDataAsSpan<float>());
            }

            InputsSeen += (int)shape[0];
        }
    }

    public IReadOnlyDictionary<string, ActivationRange> Ranges(CalibrationMethod method)
    {
        if (InputsSeen == 0)
        {
            throw new InvalidOperationException("No calibration input reached this model: the calibration photos gave it nothing to run on.");
        }

        return _tensors.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => _samples[p.i].Range(method), StringComparer.Ordinal);
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _runOptions.Dispose();
    }
}
