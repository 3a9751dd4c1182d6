namespace ArcFaceKit.Gallery;

/// <summary>Where a PostgreSQL gallery is searched (<see cref="PostgresGalleryOptions.Search"/>), chosen per gallery.</summary>
public enum PostgresSearch
{
    /// <summary>
    /// Each node holds the gallery's index in memory, loaded from the sealed rows: nothing biometric is stored in plain,
    /// so an erasure holds against PostgreSQL's files (docs/server.md, Security and privacy).
    /// </summary>
    InMemory,

    /// <summary>
    /// pgvector searches the database, where plain half-precision copies of the embeddings and templates are kept beside
    /// the sealed rows (HNSW, then exact re-scoring here): for galleries larger than a node's memory, or stateless API
    /// nodes. The weaker erasure: an erased face's copies leave the tables at once, but PostgreSQL's free space and WAL
    /// may keep them until overwritten (docs/server.md says what an operator does about it).
    /// </summary>
    Database,
}

/// <summary>How a gallery searched in the database uses pgvector.</summary>
public sealed record PgvectorOptions
{
    /// <summary>
    /// The rows (faces, or subjects' templates, as PostgreSQL's statistics count them) from which searches go through
    /// the HNSW index; below, PostgreSQL scans every row and the answer is exact. 0: always exact.
    /// </summary>
    public int ApproximateFrom { get; init; } = 20_000;

    /// <summary>HNSW candidates a search asks for and re-scores (pgvector's hnsw.ef_search; at least the number wanted).</summary>
    public int EfSearch { get; init; } = 100;

    /// <summary>The HNSW graph's links a node (pgvector's m), fixed when the index is created.</summary>
    public int M { get; init; } = 16;

    /// <summary>The HNSW build's candidate list (pgvector's ef_construction), fixed when the index is created.</summary>
    public int EfConstruction { get; init; } = 64;
}
