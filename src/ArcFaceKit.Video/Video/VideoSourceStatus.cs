namespace ArcFaceKit.Video;

/// <summary>
/// A change in a live source's connection, with a sentence for a log. <see cref="Attempt"/> and <see cref="Delay"/> are
/// set when reconnecting: the attempt counts from 1 after each connection that delivered frames.
/// </summary>
public sealed record VideoSourceStatus(VideoSourceState State, string Message)
{
    public int Attempt { get; init; }

    public TimeSpan Delay { get; init; }
}
