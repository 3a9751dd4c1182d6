namespace ArcFaceKit.Pipeline;

/// <summary>
/// At most N analyses run at once. The others wait in two lines, requests and video frames, served in turn when both
/// have waiters, so a burst of requests cannot hold a camera's frame behind all of them (its queue would drop frames,
/// or a full line would refuse it), and cameras cannot starve requests (each has one frame in flight, and the turn
/// passes). Up to Q requests wait; the next is refused at once rather than queued without bound. Frames are never
/// refused: each video source has one analysis in flight at most.
/// </summary>
internal sealed class AnalysisGate(int concurrency, int queue)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource>[] _lines = [new(), new()];
    private int _free = concurrency;
    private int _turn;   // the line served first at the next release

    public int Concurrency { get; } = concurrency;

    public async ValueTask<Slot> EnterAsync(AnalysisLane lane, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_free > 0)
            {
                _free--;
                return new Slot(this);
            }

            var line = _lines[(int)lane];
            if (lane == AnalysisLane.Requests && line.Count >= queue)
            {
                throw new ServiceBusyException($"All {Concurrency} analysis slots are busy and {queue} requests are already waiting; retry in a moment.");
            }

            node = line.AddLast(waiter);
        }

        using (cancellationToken.Register(() => Abandon(node)))
        {
            await waiter.Task.ConfigureAwait(false);   // granted (the slot is ours) or cancelled while waiting
        }

        return new Slot(this);
    }

    /// <summary>A waiter cancelled before its turn leaves its line; one already granted keeps its slot.</summary>
    private void Abandon(LinkedListNode<TaskCompletionSource> node)
    {
        lock (_lock)
        {
            if (node.List is { } line)
            {
                line.Remove(node);
                node.Value.TrySetCanceled();
            }
        }
    }

    /// <summary>The slot goes to the first waiter of the line whose turn it is, else of the other line, else it is free.</summary>
    private void Release()
    {
        lock (_lock)
        {
            for (int i = 0; i < _lines.Length; i++)
            {
                int l = (_turn + i) % _lines.Length;
                if (_lines[l].First is { } first)
                {
                    _lines[l].RemoveFirst();
                    _turn = (l + 1) % _lines.Length;
                    first.Value.SetResult();
                    return;
                }
            }

            _free++;
        }
    }

    /// <summary>A held slot; disposing it lets the next waiter in.</summary>
    internal readonly struct Slot(AnalysisGate gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
