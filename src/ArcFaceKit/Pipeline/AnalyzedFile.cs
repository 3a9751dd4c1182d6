using ArcFaceKit.Imaging;

namespace ArcFaceKit.Pipeline;

/// <summary>One image file of <see cref="FacePipeline.AnalyzeFilesAsync"/>: its faces, or why it could not be read (then no faces).</summary>
public sealed record AnalyzedFile(string Path, IReadOnlyList<FaceRecord> Faces, ImageDecodeException? Error);
