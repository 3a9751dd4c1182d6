using ArcFaceKit.Gallery;
using ArcFaceKit.Recognition;
using ArcFaceKit.Search;

namespace ArcFaceKit.Server;

/// <summary>Opens the gallery the settings name: a SQLite file or a PostgreSQL schema.</summary>
internal static class Galleries
{
    /// <summary>Pinned to <paramref name="model"/>, or for keys and audit only when it is null.</summary>
    public static async Task<FaceGallery> OpenAsync(ServerOptions options, ModelIdentity? model, CancellationToken cancellationToken = default)
    {
        // Both backends return the library's one gallery type, which also holds the API keys the server needs.
        return (FaceGallery)await Open(options, model, cancellationToken).ConfigureAwait(false);
    }

    private static Task<IFaceGallery> Open(ServerOptions options, ModelIdentity? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var index = new GalleryIndexOptions { ApproximateFrom = options.ApproximateFrom, MapIndexFile = !options.LoadIndex };
        return options.Store.ToLowerInvariant() switch
        {
            "sqlite" => SqliteGallery.OpenAsync(options.SqlitePath, model, index, cancellationToken),
            "postgres" => PostgresGallery.OpenAsync(
                new PostgresGalleryOptions(options.PostgresConnection ?? throw new GalleryException(GalleryError.Invalid, "The postgres store needs a connection string (--postgres or $ARCFACE_POSTGRES)."))
                {
                    Schema = options.PostgresSchema,
                    KeyFile = options.PostgresKeyFile,
                    IndexFile = options.PostgresIndexFile,
                    Search = options.PostgresSearch,
                    Index = index,
                },
                model,
                cancellationToken),
            _ => throw new GalleryException(GalleryError.Invalid, $"Unknown store '{options.Store}'; use sqlite or postgres."),
        };
    }
}
