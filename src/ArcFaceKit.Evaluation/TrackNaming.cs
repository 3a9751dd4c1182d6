namespace ArcFaceKit.Evaluation;

/// <summary>A track named as an enrolled subject at a moment of the video (its identified or revised event).</summary>
public sealed record TrackNaming(int TrackId, string Subject, TimeSpan At);
