namespace ArcFaceKit.Gallery;

/// <summary>Where a PostgreSQL gallery lives and how it searches.</summary>
public sealed record PostgresGalleryOptions(string ConnectionString)
{
    /// <summary>The schema holding this gallery's tables (one gallery, one model, per schema).</summary>
    public string Schema { get; init; } = "arcface";

    /// <summary>Search through HNSW indexes (approximate) instead of exact scans.</summary>
    public bool Hnsw { get; init; }

    /// <summary>HNSW candidate list size at query time (pgvector's hnsw.ef_search); raised to the number of rows asked for.</summary>
    public int EfSearch { get; init; } = 100;
}
