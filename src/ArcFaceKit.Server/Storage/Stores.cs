using ArcFaceKit.Recognition;

namespace ArcFaceKit.Server.Storage;

/// <summary>Opens the store the options name; both kinds are face stores and key stores.</summary>
public static class Stores
{
    /// <summary>Opens the configured store; pinned to <paramref name="model"/>, or for keys and audit only when it is null.</summary>
    public static IFaceStore Open(ServerOptions options, ModelIdentity? model) => options.Store.ToLowerInvariant() switch
    {
        "sqlite" => SqliteStore.Open(options.SqlitePath, model),
        "postgres" => PostgresStore.Open(
            new PostgresOptions(options.PostgresConnection ?? throw new StoreException(StoreError.Invalid, "The postgres store needs a connection string (--postgres)."))
            {
                Schema = options.PostgresSchema,
                Hnsw = options.PostgresHnsw,
            },
            model),
        _ => throw new StoreException(StoreError.Invalid, $"Unknown store '{options.Store}'; use sqlite or postgres."),
    };

    public static IKeyStore Keys(IFaceStore store) => (IKeyStore)store;
}
