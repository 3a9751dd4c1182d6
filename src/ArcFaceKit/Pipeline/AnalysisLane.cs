namespace ArcFaceKit.Pipeline;

/// <summary>Which line an analysis waits in for a slot of the pipeline (<see cref="AnalysisGate"/>).</summary>
internal enum AnalysisLane
{
    /// <summary>Requests (photos, API calls): refused once the line is full.</summary>
    Requests,

    /// <summary>Frames of videos and streams: each source has at most one in flight, so the line is never refused.</summary>
    Frames,
}
