namespace ArcFaceKit.Imaging;

/// <summary>
/// A weighted semaphore of decoded pixels: a photo waits, first come first served, until its pixels fit in what the
/// photos before it left free; beyond <c>queue</c> photos waiting, the next is refused at once rather than the line grown
/// without bound.
/// </summary>
internal sealed class PixelBudget(long capacity, int queue)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(long Pixels, TaskCompletionSource Ready)> _waiting = [];
    private long _free = capacity;

    public long Capacity { get; } = capacity;

    /// <summary>Takes <paramref name="pixels"/> (at most the capacity), waiting for them; false when the line is full.</summary>
    public async ValueTask<Share?> TryTakeAsync(long pixels, CancellationToken cancellationToken)
    {
        pixels = Math.Clamp(pixels, 1, Capacity);
        LinkedListNode<(long Pixels, TaskCompletionSource Ready)> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _free >= pixels)
            {
                _free -= pixels;
                return new Share(this, pixels);
            }

            if (_waiting.Count >= queue)
            {
                return null;
            }

            node = _waiting.AddLast((pixels, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }

        try
        {
            await node.Value.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Share(this, pixels);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    Grant();
                    throw;
                }
            }

            Give(pixels);   // granted just as the wait was cancelled: hand the pixels on
            throw;
        }
    }

    private void Give(long pixels)
    {
        lock (_lock)
        {
            _free += pixels;
            Grant();
        }
    }

    /// <summary>Lets waiters in, in order, while the first of them fits. Called under the lock.</summary>
    private void Grant()
    {
        while (_waiting.First is { } first && first.Value.Pixels <= _free)
        {
            _waiting.RemoveFirst();
            _free -= first.Value.Pixels;
            first.Value.Ready.SetResult();
        }
    }

    /// <summary>Pixels held; disposing gives them back once.</summary>
    internal sealed class Share(PixelBudget budget, long pixels) : IDisposable
    {
        private int _given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0)
            {
                budget.Give(pixels);
            }
        }
    }
}
