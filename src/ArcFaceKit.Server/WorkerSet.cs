using System.Collections.Concurrent;

namespace ArcFaceKit.Server;

/// <summary>
/// The background workers of a hosted service (cameras, webhooks) by key. Changes run one at a time
/// (<see cref="SerialAsync{T}"/>), so a worker is stopped before its stored row changes and started after; all are
/// stopped when the host stops or the container disposes the service, whichever comes first.
/// </summary>
internal sealed class WorkerSet<TKey, TWorker> : IAsyncDisposable
    where TKey : notnull
    where TWorker : class, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<TKey, TWorker> _workers;
    private int _disposed;

    public WorkerSet(IEqualityComparer<TKey>? comparer = null) => _workers = new ConcurrentDictionary<TKey, TWorker>(comparer);

    public int Count => _workers.Count;

    public TWorker? Find(TKey key) => _workers.GetValueOrDefault(key);

    public IEnumerable<TWorker> All => _workers.Values;

    public void Add(TKey key, TWorker worker) => _workers[key] = worker;

    /// <summary>Stops and forgets the worker of that key, if there is one.</summary>
    public async Task RemoveAsync(TKey key)
    {
        if (_workers.TryRemove(key, out var worker))
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="change"/> with no other change of this set running.</summary>
    public async Task<T> SerialAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StopAllAsync(CancellationToken cancellationToken) => SerialAsync(async () =>
    {
        await Task.WhenAll(_workers.Values.Select(w => w.DisposeAsync().AsTask())).ConfigureAwait(false);
        _workers.Clear();
        return true;
    }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // A service registered both as itself and as a hosted service may be disposed twice, and the host may call
        // StopAsync after the container disposed it (a test server's shutdown did: ObjectDisposedException), so the
        // gate is left undisposed; a SemaphoreSlim whose wait handle is never asked for holds nothing to free.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAllAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
