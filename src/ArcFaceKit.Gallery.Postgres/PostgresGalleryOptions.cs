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
}
