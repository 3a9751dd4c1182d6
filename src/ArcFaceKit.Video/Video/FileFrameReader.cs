using System.Runtime.CompilerServices;

namespace ArcFaceKit.Video;

/// <summary>
/// A file's frames, every sampled one in order, read as the consumer asks (the pipe holds ffmpeg back, so nothing is
/// dropped and results are deterministic). The file is read once: its end ends the frames, its damage ends them with
/// an error after the frames before it.
/// </summary>
internal sealed class FileFrameReader(string ffmpeg, IReadOnlyList<string> arguments, string location, FrameCounters counters)
{
    public async IAsyncEnumerable<VideoFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var decoder = FfmpegProcess.Start(ffmpeg, arguments, cancellationToken);
        await using (decoder.ConfigureAwait(false))
        {
            long index = 0;
            var time = TimeSpan.Zero;
            while (await decoder.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                counters.Decoded();
                time = frame.PresentationTime ?? time;   // a frame without a time keeps its predecessor's
                counters.Delivered();
                yield return new VideoFrame(index++, time, frame.Image);
            }

            cancellationToken.ThrowIfCancellationRequested();
            int exit = await decoder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (exit != 0 || decoder.EndedMidFrame)
            {
                string why = decoder.Errors is { Length: > 0 } errors ? errors : $"ffmpeg exited with code {exit}";
                throw new VideoSourceException(index == 0
                    ? $"{location}: no frame could be decoded ({why})."
                    : $"{location}: damaged or truncated after frame {index - 1} ({why}).");
            }
        }
    }
}
