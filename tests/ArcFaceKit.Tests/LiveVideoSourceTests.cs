using System.Collections.Concurrent;
using ArcFaceKit.Video;

namespace ArcFaceKit.Tests;

/// <summary>Live sources against a stream served on 127.0.0.1 (HTTP, RTSP): stalls and drops reported, reconnection, dropping the oldest frame.</summary>
[Collection(VideoCollection.Name)]
public sealed class LiveVideoSourceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly VideoSourceOptions Quick = new()
    {
        ProbeDuration = TimeSpan.FromSeconds(1),
        StallTimeout = TimeSpan.FromSeconds(2),   // a connection's first frame has 3 s: ffmpeg starting on a loaded 2-core machine
        ReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(400),
    };

    [Theory]
    [InlineData(false)]   // MPEG-TS over HTTP
    [InlineData(true)]    // RTSP, over TCP as the source asks, from GStreamer's RTSP server
    public async Task A_stream_that_stalls_and_dies_is_reported_and_read_again_when_it_comes_back(bool rtsp)
    {
        using var camera = new LoopbackStream(VideoClips.Path("webcam-b.mp4"), Ports.Free(), rtsp);
        await using var source = await VideoSource.OpenAsync(camera.Url, Quick);
        Assert.True(source.IsLive);
        Assert.Null(source.Info);
        var statuses = new ConcurrentQueue<VideoSourceStatus>();
        source.StatusChanged += (_, s) => statuses.Enqueue(s);
        var frames = new ConcurrentQueue<VideoFrame>();
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(stop.Token))
            {
                frames.Enqueue(frame);
            }
        });

        await Until(() => frames.Count >= 10, () => $"the first frames ({Messages(statuses)})");
        int mark = statuses.Count;   // the first connection may have been refused or slow: from here on is the test
        var since = () => statuses.Skip(mark).ToList();
        camera.Freeze();
        await Until(() => since().Any(s => s.State == VideoSourceState.Stalled), () => $"the stall ({Messages(statuses)})");
        camera.Kill();
        await Until(() => since().Count(s => s.State == VideoSourceState.Reconnecting) >= 3, () => $"reconnects ({Messages(statuses)})");   // refused while it is down
        int before = frames.Count;
        camera.Restart();
        await Until(() => since().Any(s => s.State == VideoSourceState.Connected) && frames.Count >= before + 10, () => $"frames after the restart ({Messages(statuses)})");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.Empty(VideoClips.FfmpegChildren(except: camera.ProcessId));   // the reader's ffmpeg is gone

        // Stalled first, then reconnects counted from 1 with doubling delays up to the ceiling, until connected again.
        var after = since();
        Assert.True(after[0].State == VideoSourceState.Stalled, Messages(after));
        var reconnects = after.TakeWhile(s => s.State != VideoSourceState.Connected).Where(s => s.State == VideoSourceState.Reconnecting).ToList();
        Assert.Equal(Enumerable.Range(1, reconnects.Count), reconnects.Select(r => r.Attempt));
        Assert.Equal(TimeSpan.FromMilliseconds(100), reconnects[0].Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(200), reconnects[1].Delay);
        Assert.All(reconnects.Skip(2), r => Assert.Equal(TimeSpan.FromMilliseconds(400), r.Delay));
        Assert.Equal(statuses.Count(s => s.State == VideoSourceState.Reconnecting), source.Stats.Reconnects);

        var delivered = frames.ToList();
        Assert.All(delivered.Zip(delivered.Skip(1)), p => Assert.True(p.Second.Index > p.First.Index && p.Second.Timestamp > p.First.Timestamp));
        Assert.All(delivered, f => Assert.Equal((400, 300), (f.Width, f.Height)));
    }

    [Fact]
    public async Task A_consumer_that_falls_behind_gets_the_newest_frames_and_the_drops_are_counted()
    {
        using var camera = new LoopbackStream(VideoClips.Path("webcam-b.mp4"), Ports.Free());
        await using var source = await VideoSource.OpenAsync(camera.Url, Quick with { QueueCapacity = 2 });
        var statuses = new ConcurrentQueue<VideoSourceStatus>();
        source.StatusChanged += (_, s) => statuses.Enqueue(s);
        var indices = new List<long>();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await foreach (var frame in source.ReadFramesAsync(timeout.Token))
            {
                indices.Add(frame.Index);
                await Task.Delay(100);   // analysis at 10 frames a second, the stream comes at 25
                if (indices.Count == 20)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"20 frames not read in {Patience.TotalSeconds} s: {indices.Count} ({Messages(statuses)})");
        }

        var stats = source.Stats;
        Assert.InRange(stats.Dropped, 10, long.MaxValue);
        Assert.InRange(stats.Decoded, stats.Delivered + stats.Dropped, stats.Delivered + stats.Dropped + 2);   // at most a full queue left unread
        Assert.Equal(20, stats.Delivered);
        Assert.True(stats.DroppedPerSecond > 0 && stats.DeliveredPerSecond < stats.DecodedPerSecond, stats.ToString());
        Assert.Contains(indices.Zip(indices.Skip(1)), p => p.Second - p.First > 1);   // gaps where frames were dropped
        Assert.Empty(VideoClips.FfmpegChildren(except: camera.ProcessId));
    }

    private static string Messages(IEnumerable<VideoSourceStatus> statuses) => string.Join(", ", statuses.Select(s => s.Message));

    private static async Task Until(Func<bool> condition, Func<string> what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Patience, $"waited {Patience.TotalSeconds} s for {what()}");
            await Task.Delay(50);
        }
    }
}
