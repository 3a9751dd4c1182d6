using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ArcFaceKit.Video;

/// <summary>
/// A live source's frames: ffmpeg is read as fast as it decodes into a bounded queue that drops its oldest frame when
/// the consumer falls behind. A connection that stalls (no frame for the stall timeout: our watchdog, or ffmpeg's own
/// socket timeout) or closes is replaced after a back-off that doubles up to its ceiling, until cancellation.
/// </summary>
internal sealed class LiveFrameReader(string ffmpeg, IReadOnlyList<string> arguments, VideoSourceOptions options, FrameCounters counters, Action<VideoSourceStatus> report)
{
    private static readonly TimeSpan DefaultProbe = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _clock = new();
    private long _index;

    public async IAsyncEnumerable<VideoFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<VideoFrame>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => counters.Dropped());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(queue.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var frame in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                counters.Delivered();
                yield return frame;
            }
        }
        finally
        {
            // The consumer left (break, cancellation, error): ffmpeg is killed and waited for before the caller goes on.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    private async Task ProduceAsync(ChannelWriter<VideoFrame> queue, CancellationToken cancellationToken)
    {
        _clock.Start();
        try
        {
            int attempt = 0;
            while (true)
            {
                var (connected, end) = await ConnectionAsync(queue, cancellationToken).ConfigureAwait(false);
                report(end);
                attempt = connected ? 1 : attempt + 1;
                var delay = TimeSpan.FromTicks(Math.Min(options.MaxReconnectDelay.Ticks, options.ReconnectDelay.Ticks * (1L << Math.Min(attempt - 1, 30))));
                report(new VideoSourceStatus(VideoSourceState.Reconnecting, $"reconnecting in {delay.TotalSeconds:0.###} s (attempt {attempt})") { Attempt = attempt, Delay = delay });
                counters.Reconnected();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            queue.TryComplete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
        }
    }

    /// <summary>One ffmpeg run, to its end; says whether it delivered a frame and how it ended.</summary>
    private async Task<(bool Connected, VideoSourceStatus End)> ConnectionAsync(ChannelWriter<VideoFrame> queue, CancellationToken cancellationToken)
    {
        var decoder = FfmpegProcess.Start(ffmpeg, arguments, cancellationToken);
        await using (decoder.ConfigureAwait(false))
        {
            using var watchdog = new CancellationTokenSource(options.StallTimeout + (options.ProbeDuration ?? DefaultProbe));
            using var killOnStall = watchdog.Token.Register(decoder.Kill);
            bool connected = false;
            long lastFrame = Stopwatch.GetTimestamp();
            while (await decoder.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                watchdog.CancelAfter(options.StallTimeout);
                lastFrame = Stopwatch.GetTimestamp();
                if (!connected)
                {
                    connected = true;
                    report(new VideoSourceStatus(VideoSourceState.Connected, "connected"));
                }

                counters.Decoded();
                queue.TryWrite(new VideoFrame(_index++, _clock.Elapsed, frame.Image));
            }

            cancellationToken.ThrowIfCancellationRequested();
            await decoder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var silent = Stopwatch.GetElapsedTime(lastFrame);
            if (watchdog.IsCancellationRequested || silent >= options.StallTimeout)
            {
                return (connected, new VideoSourceStatus(VideoSourceState.Stalled, $"stalled: no frame for {silent.TotalSeconds:0.#} s"));
            }

            string why = decoder.Errors is { Length: > 0 } errors ? errors : "the stream ended";
            return (connected, new VideoSourceStatus(VideoSourceState.Closed, $"closed: {why}"));
        }
    }
}
