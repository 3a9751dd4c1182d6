namespace ArcFaceKit.Video;

/// <summary>What just happened to a live source's connection.</summary>
public enum VideoSourceState
{
    /// <summary>The first frame of a connection arrived.</summary>
    Connected,

    /// <summary>No frame came for the stall timeout; the connection is dropped.</summary>
    Stalled,

    /// <summary>ffmpeg ended: the stream closed, refused the connection or could not be read.</summary>
    Closed,

    /// <summary>A new connection will be tried after <see cref="VideoSourceStatus.Delay"/>.</summary>
    Reconnecting,
}
