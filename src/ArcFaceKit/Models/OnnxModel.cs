using System.Buffers;
using System.Diagnostics;
using ArcFaceKit.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace ArcFaceKit.Models;

/// <summary>
/// One ONNX Runtime session over a file whose SHA-256 was checked against its manifest entry, with subnormal
/// weights zeroed (they make CPU kernels several times slower), and the time spent inside Run counted.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    // Native options and run options live as long as the session: a RunOptions made per call could be
    // finalized while its handle was still in use by Run, which crashed ONNX Runtime under GC pressure.
    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames;
    private readonly Action<ModelFileEntry, Memory<float>, long[]>? _inputObserver;
    private long _inferenceTicks;
    private int _disposed;

    // freeBatch: free a batch dimension fixed at 1 where the graph allows it (embedders: faces in batches).
    public OnnxModel(string path, ModelFileEntry entry, InferenceOptions? options = null, bool freeBatch = false)
    {
        options ??= InferenceOptions.Default;
        Entry = entry;
        _inputObserver = options.InputObserver;
        var (bytes, free) = InferenceGraph.Prepare(Sha256File.ReadVerified(path, entry), freeBatch && !entry.Input.DynamicBatch);
        _sessionOptions = options.CreateSessionOptions();
        try
        {
            _session = Load(path, bytes, _sessionOptions);
            AcceptsBatches = entry.Input.DynamicBatch;
            if (free is not null)
            {
                var batched = Load(path, free, _sessionOptions);
                if (FreeBatch.SameOutputs(batched, _session))
                {
                    _session.Dispose();
                    (_session, AcceptsBatches) = (batched, true);
                }
                else
                {
                    batched.Dispose();
                }
            }

            InputName = _session.InputMetadata.Keys.First();
            InputShape = _session.InputMetadata[InputName].Dimensions;
            _outputNames = [.. _session.OutputMetadata.Keys];
            CheckInputShape(path);
        }
        catch
        {
            // Nothing native outlives a model that failed to open (a wrong shape, a second graph that would not load).
            _session?.Dispose();
            _sessionOptions.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    public ModelFileEntry Entry { get; }

    /// <summary>Whether a run may hold several images: declared by the manifest, or freed and verified at load.</summary>
    public bool AcceptsBatches { get; }

    public string InputName { get; }

    /// <summary>The input's declared shape; -1 marks a free dimension.</summary>
    public IReadOnlyList<int> InputShape { get; }

    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>Time spent inside ONNX Runtime since load (for the share of time outside inference).</summary>
    public TimeSpan InferenceTime => TimeSpan.FromTicks(Interlocked.Read(ref _inferenceTicks));

    /// <summary>
    /// Runs the model on a batch of images of one size, fed as the manifest's input contract says (NCHW, channel order,
    /// mean, std), and returns every output in declared order. The input buffer is pooled: no large allocation a call.
    /// </summary>
    public float[][] Run(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(images.Count);
        var contract = Entry.Input;
        int width = images[0].Width, height = images[0].Height, plane = contract.ChannelCount * width * height;
        float[] buffer = ArrayPool<float>.Shared.Rent(plane * images.Count);
        try
        {
            for (int i = 0; i < images.Count; i++)
            {
                if (images[i].Width != width || images[i].Height != height)
                {
                    throw new ArgumentException("Every image of a batch must have the same size.", nameof(images));
                }

                contract.Fill(images[i], buffer.AsSpan(i * plane, plane));
            }

            return Run(new Memory<float>(buffer, 0, plane * images.Count), [images.Count, contract.ChannelCount, height, width], cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// One photo letterboxed into the model's input (a detector's), written straight into the input tensor; its outputs
    /// are read in place.
    /// </summary>
    internal ModelOutputs Run(RgbImage image, CanvasPlacement placement, CancellationToken cancellationToken = default)
    {
        var contract = Entry.Input;
        int length = contract.ChannelCount * placement.CanvasWidth * placement.CanvasHeight;
        float[] buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            contract.FillLetterboxed(image, placement, buffer.AsSpan(0, length));
            return new ModelOutputs(Execute(new Memory<float>(buffer, 0, length), [1, contract.ChannelCount, placement.CanvasHeight, placement.CanvasWidth], cancellationToken), _outputNames);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private float[][] Run(Memory<float> input, long[] shape, CancellationToken cancellationToken)
    {
        using var outputs = Execute(input, shape, cancellationToken);
        var result = new float[outputs.Count][];
        for (int i = 0; i < outputs.Count; i++)
        {
            result[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        }

        return result;
    }

    /// <summary>
    /// One run. A cancellable token gets a run options of its own whose terminate flag the token sets, so a cancelled
    /// request stops inside the run, not after it; the options are disposed only after the run and the registration
    /// (whose disposal waits for a callback under way), so no handle in use is ever freed.
    /// </summary>
    private IDisposableReadOnlyCollection<OrtValue> Execute(Memory<float> input, long[] shape, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        _inputObserver?.Invoke(Entry, input, shape);
        var start = Stopwatch.GetTimestamp();
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
        try
        {
            if (!cancellationToken.CanBeCanceled)
            {
                return _session.Run(_runOptions, new[] { InputName }, new[] { tensor }, _outputNames);
            }

            using var runOptions = new RunOptions();
            using (cancellationToken.UnsafeRegister(static o => ((RunOptions)o!).Terminate = true, runOptions))
            {
                try
                {
                    return _session.Run(runOptions, new[] { InputName }, new[] { tensor }, _outputNames);
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }
        finally
        {
            Interlocked.Add(ref _inferenceTicks, Stopwatch.GetElapsedTime(start).Ticks);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _sessionOptions.Dispose();
        _runOptions.Dispose();
    }

    private static InferenceSession Load(string path, byte[] graph, SessionOptions options)
    {
        try
        {
            return new InferenceSession(graph, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelContractException($"{path}: ONNX Runtime cannot load it ({e.Message}).", e);
        }
    }

    private void CheckInputShape(string path)
    {
        var c = Entry.Input;
        bool Fits(int declared, int wanted) => declared < 0 || wanted == 0 || declared == wanted;
        if (InputShape.Count != 4 || !Fits(InputShape[1], c.ChannelCount) || !Fits(InputShape[2], c.Height) || !Fits(InputShape[3], c.Width))
        {
            throw new ModelContractException(
                $"{path}: input shape [{string.Join(',', InputShape)}] does not fit the manifest's {c.ChannelCount}x{c.Height}x{c.Width}.");
        }
    }
}
