namespace ArcFaceKit.Search;

/// <summary>How a gallery searches in memory: exactly (the 8-bit scan) up to a size, by an HNSW graph from that size on.</summary>
public sealed record GalleryIndexOptions
{
    /// <summary>
    /// The number of faces (or of subjects' templates) from which searches go through an HNSW graph; 0: always exact.
    /// 2,000,000 by default: an exact 512-d query takes about 11-14 ms at a million faces here and twice that at two
    /// million, where the graph (97% recall@10 on real embeddings, 34x faster; minutes to build) starts to pay (README,
    /// bench search).
    /// </summary>
    public int ApproximateFrom { get; init; } = 2_000_000;

    /// <summary>The graph's parameters.</summary>
    public HnswOptions Hnsw { get; init; } = new();

    public static GalleryIndexOptions Default { get; } = new();
}
