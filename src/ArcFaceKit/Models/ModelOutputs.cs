using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Models;

/// <summary>
/// A run's outputs read where ONNX Runtime put them, until disposed: a detector's are large (a 640x480 input gives YuNet
/// about 380 KB of them), and copying them out was an allocation a photo, much of it on the large-object heap.
/// </summary>
internal sealed class ModelOutputs(IDisposableReadOnlyCollection<OrtValue> values, IReadOnlyList<string> names) : IDisposable
{
    public ReadOnlySpan<float> this[int index] => values[index].GetTensorDataAsSpan<float>();

    public ReadOnlySpan<float> this[string name]
    {
        get
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    return this[i];
                }
            }

            throw new ModelContractException($"The model has no output '{name}'.");
        }
    }

    public void Dispose() => values.Dispose();
}
