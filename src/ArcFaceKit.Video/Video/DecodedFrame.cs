using ArcFaceKit.Imaging;

namespace ArcFaceKit.Video;

/// <summary>A frame as it left ffmpeg: its pixels and, when the stream had one, its presentation time.</summary>
internal sealed record DecodedFrame(RgbImage Image, TimeSpan? PresentationTime);
