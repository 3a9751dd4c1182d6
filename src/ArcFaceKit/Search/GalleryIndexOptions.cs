namespace ArcFaceKit.Search;

/// <summary>How a gallery searches in memory: exactly (the 8-bit scan) up to a size, by an HNSW graph from that size on.</summary>
public sealed record GalleryIndexOptions
{
    /// <summary>
    /// The number of faces (or of subjects' templates) from which searches go through an HNSW graph; 0: always exact.
    /// 2,000,000 by default: an exact 512-d query takes about 11-14 ms at a million faces here and twice that at two
    /// million, where the graph (97% recall@10 on real embeddings, 34x faster; minutes to build) starts to pay (docs/search.md,
    /// bench search).
    /// </summary>
    public int ApproximateFrom { get; init; } = 2_000_000;

    /// <summary>
    /// How an index read from its file holds the faces' half-precision copies and the HNSW graph (not on Windows, where
    /// they are always read into memory): true, used in place from the file's mapping (page cache, shared; changes go
    /// to memory, the graph copied there at the first one); false, read into memory at open. At a million 512-d faces
    /// (bench gallery-open --approximate-from, both ways in one run) mapped opened in 0.74 s and read in 13.4 s, which
    /// then answered 1.22x the searches a second.
    /// </summary>
    public bool MapIndexFile { get; init; } = true;

    /// <summary>The graph's parameters.</summary>
    public HnswOptions Hnsw { get; init; } = new();

    public static GalleryIndexOptions Default { get; } = new();
}
