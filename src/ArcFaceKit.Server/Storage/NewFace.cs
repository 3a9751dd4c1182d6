namespace ArcFaceKit.Server.Storage;

/// <summary>A face to enroll: its L2-normalised embedding and the aligned crop it came from (PNG).</summary>
public sealed record NewFace(float[] Embedding, byte[] CropPng);
