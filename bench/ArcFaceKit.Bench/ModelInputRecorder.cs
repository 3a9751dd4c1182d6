using System.Diagnostics;
using ArcFaceKit.Models;
using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Bench;

/// <summary>
/// Records the inputs the pipeline feeds each model file, then replays them through bare ONNX Runtime sessions with
/// the same options: the time the models alone need for the same work, the floor the pipeline is compared with. The
/// bare sessions are opened at the first replay (with its options; a recorder serves one pipeline) and kept, as the
/// pipeline keeps its own.
/// </summary>
internal sealed class ModelInputRecorder : IDisposable
{
    private readonly List<(string File, float[] Input, long[] Shape)> _inputs = [];
    private readonly Dictionary<(string File, bool Prepared), (InferenceSession Session, string Input, bool Single, string[] Outputs)> _sessions = [];
    private readonly RunOptions _runOptions = new();

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
    /// (its rewrites, and the batch freed for the files it frees: an embedder's). Grouped: each model's inputs one after
    /// the other, the models alone; alternating: in the order the pipeline ran them, detector and embedder taking turns.
    /// </summary>
    public double ReplayMs(IReadOnlyDictionary<string, (string Path, bool FreeBatch)> files, InferenceOptions inference, bool prepared, bool alternating = false)
    {
        foreach (string file in _inputs.Select(i => i.File).Distinct().Where(f => !_sessions.ContainsKey((f, prepared))))
        {
            var (path, freeBatch) = files[file];
            byte[] bytes = File.ReadAllBytes(path);
            using var options = inference.CreateSessionOptions();
            var session = new InferenceSession(prepared ? InferenceGraph.AsRun(bytes, freeBatch) : bytes, options);
            string name = session.InputMetadata.Keys.First();
            _sessions[(file, prepared)] = (session, name, session.InputMetadata[name].Dimensions[0] == 1, [.. session.OutputMetadata.Keys]);
        }

        void Run(string file, float[] data, long[] shape)
        {
            var s = _sessions[(file, prepared)];
            if (s.Single && shape[0] > 1)
            {
                int size = data.Length / (int)shape[0];
                for (int i = 0; i < shape[0]; i++)
                {
                    Run(file, data[(i * size)..((i + 1) * size)], [1, .. shape[1..]]);
                }

                return;
            }

            using var tensor = OrtValue.CreateTensorValueFromMemory(data, shape);
            using var result = s.Session.Run(_runOptions, [s.Input], [tensor], s.Outputs);
        }

        foreach (var first in _inputs.DistinctBy(i => i.File))
        {
            Run(first.File, first.Input, first.Shape); // warm-up
        }

        var order = alternating ? _inputs : [.. _inputs.OrderBy(i => i.File, StringComparer.Ordinal)];
        var watch = Stopwatch.StartNew();
        foreach (var (file, input, shape) in order)
        {
            Run(file, input, shape);
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    public void Dispose()
    {
        foreach (var s in _sessions.Values)
        {
            s.Session.Dispose();
        }

        _runOptions.Dispose();
    }
}
