namespace ArcFaceKit.Tracking;

/// <summary>Where a track is in its life.</summary>
public enum TrackState
{
    /// <summary>Seen, but not yet on enough consecutive detections to count as a face (a false detection stays here and ends).</summary>
    Tentative,

    /// <summary>A face being followed: matched on its last detection frame.</summary>
    Confirmed,

    /// <summary>A confirmed face missing from the last detections, kept for the lost-track buffer to be found again.</summary>
    Lost,

    /// <summary>Finished: lost beyond the buffer, a tentative track that missed, a scene cut or the end of the source. Reported once.</summary>
    Ended,
}
