using ArcFaceKit.Imaging;

namespace ArcFaceKit.Recognition;

/// <summary>One face as an embedder takes it: one aligned crop per template the embedder declares, in that order.</summary>
public sealed record AlignedFace(IReadOnlyList<RgbImage> Crops)
{
    /// <summary>A face given as its one crop (an embedder of one template).</summary>
    public AlignedFace(RgbImage crop)
        : this([crop])
    {
    }
}
