using ArcFaceKit.Video;

namespace ArcFaceKit.Server.Cameras;

/// <summary>
/// A camera as a client adds (POST, with its name) or replaces (PUT) it: a stream URL or a V4L2 device, frames analysed
/// a second (default 5), the smallest face that may name a subject (default the library's, 34 px), a region of interest
/// (cropped by ffmpeg), the 1:N scoring rule (default the server's), and whether unknown people's best faces are kept
/// among the unnamed faces to be named later.
/// </summary>
public sealed record CameraRequest(
    string? Name = null, string? Url = null, string? Device = null, double? Fps = null, float? MinFaceSize = null, VideoRegion? Region = null, string? Scoring = null, bool? CollectUnknown = null);
