namespace ArcFaceKit.Video;

/// <summary>What happened to a track or a visit.</summary>
public enum VideoEventKind
{
    /// <summary>A track was confirmed: a face is being followed.</summary>
    TrackStarted,

    /// <summary>A track's face was named: an enrolled subject, or a visitor (an unknown person seen in this video before or now first).</summary>
    Identified,

    /// <summary>A track's name changed (more faces made another subject win).</summary>
    Revised,

    /// <summary>A track ended (unseen for longer than the tracker's lost buffer, a scene cut, or the end of the video).</summary>
    TrackEnded,

    /// <summary>A person's first track after a gap of at least <see cref="VideoAnalysisOptions.VisitGap"/>: one arrival.</summary>
    Arrived,

    /// <summary>A person's visit is over: no track of theirs for <see cref="VideoAnalysisOptions.VisitGap"/>, or the video ended.</summary>
    Left,
}
