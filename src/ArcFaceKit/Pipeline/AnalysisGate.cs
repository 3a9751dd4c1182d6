namespace ArcFaceKit.Pipeline;

/// <summary>
/// At most N analyses run at once; up to Q more wait in line (first come, first served by the semaphore); the next
/// one is refused at once rather than queued without bound.
/// </summary>
internal sealed class AnalysisGate(int concurrency, int queue) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private int _waiting;

    public int Concurrency { get; } = concurrency;

    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return new Slot(_slots);
        }

        if (Interlocked.Increment(ref _waiting) > queue)
        {
            Interlocked.Decrement(ref _waiting);
            throw new ServiceBusyException($"All {Concurrency} analysis slots are busy and {queue} requests are already waiting; retry in a moment.");
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>A held slot; disposing it lets the next waiter in.</summary>
    internal readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
