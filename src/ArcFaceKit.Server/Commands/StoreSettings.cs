using System.ComponentModel;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>Which gallery a command works on (the server and the key commands share it).</summary>
public class StoreSettings : CommandSettings
{
    [CommandOption("--store <KIND>")]
    [Description("sqlite (default) or postgres.")]
    public string Store { get; init; } = "sqlite";

    [CommandOption("--sqlite <FILE>")]
    [Description("SQLite gallery file (a gallery made with `arcface enroll` works as is). Default: arcface-server.db in the current folder.")]
    public string SqlitePath { get; init; } = "arcface-server.db";

    [CommandOption("--postgres <CONNECTION>")]
    [Description("PostgreSQL connection string, e.g. \"Host=127.0.0.1;Port=5432;Username=arcface;Database=arcface\". Default: $ARCFACE_POSTGRES.")]
    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("ARCFACE_POSTGRES");

    [CommandOption("--postgres-file <FILE>")]
    [Description("A file holding the PostgreSQL connection string (keeps its password out of the process list).")]
    public string? PostgresFile { get; init; }

    [CommandOption("--key-file <FILE>")]
    [Description("PostgreSQL: the gallery's key file (per-subject keys that seal its faces; erasure destroys them). Created 0600 when missing; every server of the gallery needs the same file. Default: arcface-server.keys in the current folder.")]
    public string KeyFile { get; init; } = "arcface-server.keys";

    [CommandOption("--schema <NAME>")]
    [Description("PostgreSQL schema of this gallery. Default: arcface.")]
    public string Schema { get; init; } = "arcface";

    [CommandOption("--index-file <FILE>")]
    [Description("PostgreSQL: a file on this server where the search index is saved at shutdown and read at the next start while the database is unchanged (a million faces open in seconds). It holds the embeddings unsealed (0600; deleted before every write). Default: none; a SQLite gallery always keeps FILE-index beside its file.")]
    public string? IndexFile { get; init; }

    [CommandOption("--search <WHERE>")]
    [Description("PostgreSQL: where the gallery is searched, memory or database (pgvector over plain half-precision copies beside the sealed rows, for galleries larger than a node's memory or stateless nodes; a weaker erasure, see docs/server.md). Chosen per gallery: switching copies or drops the copies at start, with every node stopped. Default: as the gallery was last (memory for a new one).")]
    public string? Search { get; init; }

    [CommandOption("--approximate-from <FACES>")]
    [Description("Faces (or subjects) from which searches go through an HNSW graph instead of the exact scan; 0: always exact. Default: 2000000.")]
    public int ApproximateFrom { get; init; } = ArcFaceKit.Search.GalleryIndexOptions.Default.ApproximateFrom;

    [CommandOption("--load-index")]
    [Description("Read the index file's half-precision copies and HNSW graph into memory at start instead of using them from the file's mapping: at a million faces a start of about 13 s instead of 1 s and their bytes in the process, for about 20% more searches a second (docs/search.md: With the graph).")]
    public bool LoadIndex { get; init; }

    public ServerOptions ToOptions() => new()
    {
        Store = Store,
        SqlitePath = SqlitePath,
        PostgresConnection = PostgresFile is null ? Postgres : File.ReadAllText(PostgresFile).Trim(),
        PostgresSchema = Schema,
        PostgresKeyFile = KeyFile,
        PostgresIndexFile = IndexFile,
        PostgresSearch = Search?.ToLowerInvariant() switch
        {
            null => null,
            "memory" => Gallery.PostgresSearch.InMemory,
            "database" => Gallery.PostgresSearch.Database,
            _ => throw new ArgumentException($"--search takes memory or database, not '{Search}'."),
        },
        ApproximateFrom = ApproximateFrom,
        LoadIndex = LoadIndex,
    };
}
