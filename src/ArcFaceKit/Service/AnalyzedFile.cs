using ArcFaceKit.Imaging;

namespace ArcFaceKit.Service;

/// <summary>One image file of <see cref="FaceService.AnalyzeFiles"/>: its faces, or why it could not be read (then no faces).</summary>
public sealed record AnalyzedFile(string Path, IReadOnlyList<FaceRecord> Faces, ImageDecodeException? Error);
