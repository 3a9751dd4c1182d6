using System.Text.RegularExpressions;
using ArcFaceKit.Recognition;
using Npgsql;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Opens a gallery in a PostgreSQL schema with pgvector, searched in the database: exact scans by default, HNSW
/// indexes with <see cref="PostgresGalleryOptions.Hnsw"/>. Stateless, so any number of API nodes can share it.
/// A store of the server's version-1 schema is migrated in place (templates and sources added) in one transaction.
/// </summary>
public static partial class PostgresGallery
{
    /// <summary>Opens (creating what is missing) the gallery pinned to <paramref name="model"/>; with a null model, for keys and audit only.</summary>
    public static async Task<FaceGallery> OpenAsync(PostgresGalleryOptions options, ModelIdentity? model, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SchemaName().IsMatch(options.Schema))
        {
            throw new GalleryException(GalleryError.Invalid, $"Schema '{options.Schema}': use lower-case letters, digits and underscores.");
        }

        NpgsqlDataSource source;
        try
        {
            source = PostgresDialect.CreateSource(options);
        }
        catch (ArgumentException e)
        {
            throw new GalleryException(GalleryError.Invalid, $"PostgreSQL connection string not usable: {e.Message}", e);
        }

        return await FaceGallery.OpenAsync(new PostgresDialect(source, options), model, cancel).ConfigureAwait(false);
    }

    public static FaceGallery Open(PostgresGalleryOptions options, ModelIdentity? model) => OpenAsync(options, model).GetAwaiter().GetResult();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
