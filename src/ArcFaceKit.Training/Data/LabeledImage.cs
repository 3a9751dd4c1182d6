namespace ArcFaceKit.Training.Data;

/// <summary>A source photo and the identity it shows.</summary>
public sealed record LabeledImage(string Path, string Identity);
