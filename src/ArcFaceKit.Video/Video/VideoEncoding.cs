namespace ArcFaceKit.Video;

/// <summary>
/// How <see cref="VideoWriter"/> encodes: a constant frame rate, x264's CRF (lower: better and larger), ffmpeg filters
/// applied before encoding (the generated clips' defocus and noise), and whether frames come as RGBA (Skia's own layout)
/// rather than RGB.
/// </summary>
internal sealed record VideoEncoding(double Fps, int Quality = 23, string? Filters = null, bool Rgba = false, string Ffmpeg = "ffmpeg");
