using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Gallery;

/// <summary>A face to enroll: its L2-normalised embedding, the aligned crop it came from (PNG; empty when not kept) and where it came from.</summary>
public sealed record NewFace(float[] Embedding, byte[] CropPng, string? Source = null)
{
    public static NewFace From(FaceRecord face, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(face);
        return new(face.Embedding, ImageEncoder.EncodePng(face.Crop), source);
    }
}
