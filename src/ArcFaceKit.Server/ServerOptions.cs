using ArcFaceKit.Imaging;

namespace ArcFaceKit.Server;

/// <summary>The server's settings (configuration section "ArcFace"; command-line flags of `serve` map onto it).</summary>
public sealed class ServerOptions
{
    public const string Section = "ArcFace";

    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>SQLite store file.</summary>
    public string SqlitePath { get; set; } = "arcface-server.db";

    /// <summary>PostgreSQL connection string (Npgsql format) for the postgres store.</summary>
    public string? PostgresConnection { get; set; }

    public string PostgresSchema { get; set; } = "arcface";

    /// <summary>Search PostgreSQL through an HNSW index (approximate) instead of exactly.</summary>
    public bool PostgresHnsw { get; set; }

    /// <summary>Detector model; default the fetched faceplugin detector (`arcface models fetch`).</summary>
    public string? Detector { get; set; }

    /// <summary>Embedder model; default the fetched faceplugin_fr_feature.</summary>
    public string? Embedder { get; set; }

    public int DetectorInputSize { get; set; } = 640;

    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    public long MaxPixels { get; set; } = DecodeOptions.DefaultMaxPixels;

    /// <summary>Requests a key may make per second on average (token bucket), and the burst above it.</summary>
    public int RateLimitPerSecond { get; set; } = 20;

    public int RateLimitBurst { get; set; } = 40;

    /// <summary>Most matches returned per face by recognize.</summary>
    public int MaxTopK { get; set; } = 100;
}
