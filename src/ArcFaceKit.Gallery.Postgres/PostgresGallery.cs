using System.Data.Common;
using System.Text.RegularExpressions;
using ArcFaceKit.Recognition;
using Npgsql;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Opens a gallery in a PostgreSQL schema, with its key file (<see cref="PostgresGalleryOptions.KeyFile"/>): embeddings
/// and crops sealed per subject, searched in memory or, chosen per gallery, in the database by pgvector
/// (<see cref="PostgresSearch"/>), any number of API nodes sharing the database and the key file. Stores of earlier versions (plain pgvector columns) are sealed and migrated in place in one transaction.
/// </summary>
public static partial class PostgresGallery
{
    /// <summary>Opens (creating what is missing) the gallery pinned to <paramref name="model"/>; with a null model, for keys and audit only.</summary>
    public static async Task<IFaceGallery> OpenAsync(PostgresGalleryOptions options, ModelIdentity? model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!SchemaName().IsMatch(options.Schema))
        {
            throw new GalleryException(GalleryError.Invalid, $"Schema '{options.Schema}': use lower-case letters, digits and underscores.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            throw new GalleryException(GalleryError.Invalid, "A PostgreSQL gallery needs its key file (PostgresGalleryOptions.KeyFile, --key-file): the per-subject keys that seal its faces.");
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

        KeyRingSealing keys;
        try
        {
            keys = KeyRingSealing.Open(options.KeyFile);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        PgvectorSearch? search;
        try
        {
            search = await PgvectorSearch.ChooseAsync(source, options, keys, model is not null, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            keys.Dispose();
            throw new GalleryException(GalleryError.Invalid, $"PostgreSQL schema '{options.Schema}': not a usable gallery database ({e.Message}).", e);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            keys.Dispose();
            throw;
        }

        return await FaceGallery.OpenAsync(new PostgresDialect(source, options), keys, options.IndexFile, options.Index, model, cancellationToken, search).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
