using System.Threading.Channels;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>
/// Micro-batching: the faces from concurrent analyses wait at most <c>wait</c> for others, then run through the embedder
/// together (up to <c>maxFaces</c> a run) on one worker, so a model whose batched runs cost less a face serves more
/// requests. The first face of a batch never waits longer than the configured wait.
/// </summary>
internal sealed class EmbeddingBatcher : IDisposable
{
    private readonly IFaceEmbedder _embedder;
    private readonly TimeSpan _wait;
    private readonly int _maxFaces;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;

    public EmbeddingBatcher(IFaceEmbedder embedder, TimeSpan wait, int maxFaces)
    {
        _embedder = embedder;
        _wait = wait;
        _maxFaces = Math.Max(1, maxFaces);
        _worker = Task.Run(RunAsync);
    }

    public Task<IReadOnlyList<FaceEmbedding>> EmbedAsync(IReadOnlyList<AlignedFace> faces, CancellationToken cancellationToken)
    {
        var request = new Request(faces, new TaskCompletionSource<IReadOnlyList<FaceEmbedding>>(TaskCreationOptions.RunContinuationsAsynchronously));
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
                    faces += next.Faces.Count;
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
            var embeddings = _embedder.Embed([.. batch.SelectMany(r => r.Faces)]);
            int next = 0;
            foreach (var r in batch)
            {
                r.Done.SetResult([.. embeddings.Skip(next).Take(r.Faces.Count)]);
                next += r.Faces.Count;
            }
        }
        catch (Exception e)
        {
            batch.ForEach(r => r.Done.TrySetException(e));
        }
    }

    private sealed record Request(IReadOnlyList<AlignedFace> Faces, TaskCompletionSource<IReadOnlyList<FaceEmbedding>> Done);
}
