namespace ArcFaceKit.Video;

/// <summary>
/// Frame counts since reading began and their rates over the last few seconds. Decoded: frames ffmpeg handed over
/// (after sampling to the analysis rate); delivered: frames the consumer took; dropped: the oldest frames a live source's
/// full queue let go. Files drop none.
/// </summary>
public sealed record VideoSourceStats(
    long Decoded,
    long Delivered,
    long Dropped,
    double DecodedPerSecond,
    double DeliveredPerSecond,
    double DroppedPerSecond,
    int Reconnects);
