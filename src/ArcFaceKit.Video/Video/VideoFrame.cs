using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>
/// One decoded frame. <see cref="Index"/> counts the frames the source sampled (0, 1, 2, ...); for a live source a gap
/// means frames were dropped because the consumer fell behind. <see cref="Timestamp"/> is the stream's presentation time
/// for files, and for live sources the wall-clock time since reading began (monotonic, continuous across reconnects).
/// </summary>
public sealed record VideoFrame(long Index, TimeSpan Timestamp, RgbImage Image)
{
    public int Width => Image.Width;

    public int Height => Image.Height;
}
