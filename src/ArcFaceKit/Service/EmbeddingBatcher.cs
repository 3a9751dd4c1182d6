using System.Threading.Channels;
using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Service;

/// <summary>
/// Micro-batching: the crops of faces from concurrent analyses wait at most <c>wait</c> for others, then run through the embedder
/// together (up to <c>maxFaces</c> a run) on one worker, so a model whose batched runs cost less a face serves more
/// requests. The first crop of a batch never waits longer than the configured wait.
/// </summary>
internal sealed class EmbeddingBatcher : IDisposable
{
    private readonly IFaceEmbedder _embedder;
    private readonly TimeSpan _wait;
    private readonly int _maxFaces;
    private readonly int _cropsPerFace;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;

    public EmbeddingBatcher(IFaceEmbedder embedder, TimeSpan wait, int maxFaces)
    {
        _embedder = embedder;
        _wait = wait;
        _maxFaces = Math.Max(1, maxFaces);
        _cropsPerFace = embedder.Templates.Count;
        _worker = Task.Run(RunAsync);
    }

    public Task<(float[][] Embeddings, float[] Norms)> EmbedAsync(IReadOnlyList<RgbImage> crops, CancellationToken cancellationToken)
    {
        var request = new Request(crops, new TaskCompletionSource<(float[][], float[])>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(EmbeddingBatcher));
        }

        return request.Done.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _requests.Writer.TryComplete();
        _worker.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        var reader = _requests.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<Request>();
            int faces = 0;
            using var window = new CancellationTokenSource(_wait);
            while (faces < _maxFaces)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    faces += next.Crops.Count / _cropsPerFace;
                    continue;
                }

                try
                {
                    if (batch.Count > 0 && !await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            Run(batch);
        }
    }

    private void Run(List<Request> batch)
    {
        try
        {
            var (embeddings, norms) = _embedder.EmbedWithNorms([.. batch.SelectMany(r => r.Crops)]);
            int next = 0;
            foreach (var r in batch)
            {
                int count = r.Crops.Count / _cropsPerFace;
                r.Done.SetResult((embeddings[next..(next + count)], norms[next..(next + count)]));
                next += count;
            }
        }
        catch (Exception e)
        {
            batch.ForEach(r => r.Done.TrySetException(e));
        }
    }

    private sealed record Request(IReadOnlyList<RgbImage> Crops, TaskCompletionSource<(float[][], float[])> Done);
}
