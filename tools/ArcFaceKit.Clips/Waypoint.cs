namespace ArcFaceKit.Clips;

/// <summary>
/// Where a face is at a frame of its appearance: the face box's centre and height in clip pixels (frames from 0).
/// Between two waypoints both move linearly, so a person walks at a steady speed and grows or shrinks steadily.
/// </summary>
internal sealed record Waypoint(int Frame, float X, float Y, float FaceHeight);
