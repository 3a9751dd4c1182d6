namespace ArcFaceKit.Tests;

/// <summary>Video tests run one after another: some count this process's ffmpeg children, which the others start.</summary>
[CollectionDefinition(Name)]
public sealed class VideoCollection
{
    public const string Name = "video sources (ffmpeg children)";
}
