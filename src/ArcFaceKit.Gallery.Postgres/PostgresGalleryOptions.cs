namespace ArcFaceKit.Gallery;

/// <summary>Where a PostgreSQL gallery lives: its database schema, and the key file that goes with it.</summary>
public sealed record PostgresGalleryOptions(string ConnectionString)
{
    /// <summary>The schema holding this gallery's tables (one gallery, one model, per schema).</summary>
    public string Schema { get; init; } = "arcface";

    /// <summary>
    /// The file of per-subject keys that seal the gallery's embeddings and crops (created 0600 when missing). It is
    /// part of the gallery: without it the stored faces cannot be read; erasing a subject destroys its keys here, which
    /// is what makes the erasure hold against the copies PostgreSQL keeps. Every server of the gallery needs the same file.
    /// </summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// A file on this node where the in-memory index is saved at close and read at the next open while the database
    /// has not changed (a gallery of a million faces opens in seconds instead of reading and unsealing every row). It
    /// holds the embeddings unsealed (created 0600; deleted before every commit, so an erasure leaves no copy in it).
    /// Null: every open reads the database.
    /// </summary>
    public string? IndexFile { get; init; }

    /// <summary>
    /// Where the gallery is searched: null, as it was last (in memory for a new one); <see cref="PostgresSearch.Database"/>
    /// copies a gallery searched in memory into pgvector tables at open, <see cref="PostgresSearch.InMemory"/> drops them.
    /// Every node of a gallery searches it the same way: switch with all of them stopped.
    /// </summary>
    public PostgresSearch? Search { get; init; }

    /// <summary>How a gallery searched in the database uses pgvector.</summary>
    public PgvectorOptions Pgvector { get; init; } = new();

    /// <summary>How the gallery searches in memory (exact up to a size, then an HNSW graph).</summary>
    public ArcFaceKit.Search.GalleryIndexOptions Index { get; init; } = ArcFaceKit.Search.GalleryIndexOptions.Default;
}
