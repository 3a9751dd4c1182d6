using ArcFaceKit.Detection;
using ArcFaceKit.Tracking;

namespace ArcFaceKit.Video;

/// <summary>A track in one frame: its box (the detection smoothed, or predicted), and the person it is named as so far, if any.</summary>
public sealed record TrackedFace(int TrackId, TrackState State, FaceBox Box, bool Detected, string? Person, bool IsVisitor);
