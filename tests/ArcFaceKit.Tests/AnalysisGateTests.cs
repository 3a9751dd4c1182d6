using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Tests;

/// <summary>The pipeline's analysis slots: requests and video frames wait in two lines served in turn.</summary>
public sealed class AnalysisGateTests
{
    [Fact]
    public async Task Frames_and_requests_take_turns_for_a_slot_and_frames_are_never_refused_when_requests_fill_their_line()
    {
        var gate = new AnalysisGate(concurrency: 1, queue: 3);
        var held = await gate.EnterAsync(AnalysisLane.Requests, CancellationToken.None);
        var order = new List<string>();
        var waiting = new List<Task>();
        foreach (var (name, lane) in new[] { ("r1", AnalysisLane.Requests), ("r2", AnalysisLane.Requests), ("r3", AnalysisLane.Requests), ("f1", AnalysisLane.Frames), ("f2", AnalysisLane.Frames) })
        {
            waiting.Add(Take(name, lane));
        }

        // The requests' line is full: the next request is refused, a frame still waits.
        await Assert.ThrowsAsync<ServiceBusyException>(async () => await gate.EnterAsync(AnalysisLane.Requests, CancellationToken.None));
        waiting.Add(Take("f3", AnalysisLane.Frames));
        held.Dispose();
        await Task.WhenAll(waiting);
        Assert.Equal(["r1", "f1", "r2", "f2", "r3", "f3"], order);   // in turn, not first come (r1 r2 r3 f1 f2 f3)

        async Task Take(string name, AnalysisLane lane)
        {
            using (await gate.EnterAsync(lane, CancellationToken.None))
            {
                lock (order)
                {
                    order.Add(name);
                }

                await Task.Yield();
            }
        }
    }

    [Fact]
    public async Task A_waiter_cancelled_before_its_turn_leaves_the_line_and_the_slot_goes_to_the_next()
    {
        var gate = new AnalysisGate(concurrency: 1, queue: 1);
        var held = await gate.EnterAsync(AnalysisLane.Frames, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(AnalysisLane.Requests, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = gate.EnterAsync(AnalysisLane.Requests, CancellationToken.None).AsTask();   // the line has room again
        Assert.False(next.IsCompleted);
        held.Dispose();
        (await next).Dispose();
        (await gate.EnterAsync(AnalysisLane.Requests, CancellationToken.None)).Dispose();        // and the slot is free after
    }
}
