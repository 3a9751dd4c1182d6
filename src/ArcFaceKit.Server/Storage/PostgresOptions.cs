namespace ArcFaceKit.Server.Storage;

/// <summary>Where the PostgreSQL store lives and how it searches.</summary>
public sealed record PostgresOptions(string ConnectionString)
{
    /// <summary>The schema holding this gallery's tables (one gallery, one model, per schema).</summary>
    public string Schema { get; init; } = "arcface";

    /// <summary>Search through an HNSW index (approximate) instead of an exact scan.</summary>
    public bool Hnsw { get; init; }

    /// <summary>HNSW candidate list size at query time (pgvector's hnsw.ef_search); raised to the number of faces asked for.</summary>
    public int EfSearch { get; init; } = 100;
}
