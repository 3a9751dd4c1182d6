using ArcFaceKit.Detection;

namespace ArcFaceKit.Reports;

/// <summary>A box to draw on a video frame with its caption; named faces are drawn in one colour, the others in another.</summary>
public sealed record FaceLabel(FaceBox Box, string Caption, bool Named);
