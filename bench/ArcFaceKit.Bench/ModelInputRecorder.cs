using System.Diagnostics;
using ArcFaceKit.Models;
using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Bench;

/// <summary>
/// Records the inputs the pipeline feeds each model file, then replays them through bare ONNX Runtime sessions with
/// the same options: the time the models alone need for the same work, the floor the pipeline is compared with.
/// </summary>
internal sealed class ModelInputRecorder
{
    private readonly List<(string File, float[] Input, long[] Shape)> _inputs = [];

    public bool Recording { get; set; }

    public void Observe(ModelFileEntry entry, Memory<float> input, long[] shape)
    {
        if (Recording)
        {
            _inputs.Add((entry.File, input.ToArray(), shape));
        }
    }

    /// <summary>
    /// Total ms the recorded inputs take in bare sessions over each file's bytes: published, or as the library runs them
    /// (its rewrites, and the batch freed for the files it frees: an embedder's).
    /// </summary>
    public double ReplayMs(IReadOnlyDictionary<string, (string Path, bool FreeBatch)> files, InferenceOptions inference, bool prepared)
    {
        double total = 0;
        foreach (var group in _inputs.GroupBy(i => i.File))
        {
            var (path, freeBatch) = files[group.Key];
            byte[] bytes = File.ReadAllBytes(path);
            if (prepared)
            {
                bytes = InferenceGraph.AsRun(bytes, freeBatch);
            }

            using var options = inference.CreateSessionOptions();
            using var session = new InferenceSession(bytes, options);
            using var runOptions = new RunOptions();
            string name = session.InputMetadata.Keys.First();
            bool single = session.InputMetadata[name].Dimensions[0] == 1;
            string[] outputs = [.. session.OutputMetadata.Keys];
            void Run(float[] data, long[] shape)
            {
                using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
                using var result = session.Run(runOptions, [name], [tensor], outputs);
            }

            Run(group.First().Input, group.First().Shape); // warm-up
            var watch = Stopwatch.StartNew();
            foreach (var (_, input, shape) in group)
            {
                if (single && shape[0] > 1)
                {
                    int size = input.Length / (int)shape[0];
                    for (int i = 0; i < shape[0]; i++)
                    {
                        Run(input[(i * size)..((i + 1) * size)], [1, .. shape[1..]]);
                    }
                }
                else
                {
                    Run(input, shape);
                }
            }

            total += watch.Elapsed.TotalMilliseconds;
        }

        return total;
    }
}
