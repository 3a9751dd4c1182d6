namespace ArcFaceKit.Video;

/// <summary>A rectangle of a video frame in pixels of the source, left and top inclusive.</summary>
public readonly record struct VideoRegion(int X, int Y, int Width, int Height);
