using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Webhooks;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server;

/// <summary>
/// The server's settings (configuration section "ArcFace"; the flags of `serve` map onto it): the store, the library's own
/// option records as they are, and the server's limits. Defaults are the library's.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "ArcFace";

    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>SQLite gallery file (the same format as the CLI's --gallery).</summary>
    public string SqlitePath { get; set; } = "arcface-server.db";

    /// <summary>PostgreSQL connection string (Npgsql format) for the postgres store.</summary>
    public string? PostgresConnection { get; set; }

    public string PostgresSchema { get; set; } = "arcface";

    /// <summary>The PostgreSQL gallery's key file (per-subject keys sealing its faces); every node of the gallery needs the same one.</summary>
    public string PostgresKeyFile { get; set; } = "arcface-server.keys";

    /// <summary>Faces (or subjects) from which the gallery searches through an HNSW graph; 0: always exact.</summary>
    public int ApproximateFrom { get; set; } = Search.GalleryIndexOptions.Default.ApproximateFrom;

    /// <summary>Whether the index file is read into memory at open rather than mapped (<see cref="Search.GalleryIndexOptions.MapIndexFile"/>).</summary>
    public bool LoadIndex { get; set; }

    /// <summary>The PostgreSQL gallery's index file on this node (null: none); see <see cref="Gallery.PostgresGalleryOptions.IndexFile"/>.</summary>
    public string? PostgresIndexFile { get; set; }

    /// <summary>Where the PostgreSQL gallery is searched (null: as it was last); see <see cref="Gallery.PostgresGalleryOptions.Search"/>.</summary>
    public Gallery.PostgresSearch? PostgresSearch { get; set; }

    /// <summary>
    /// The models and how they detect and embed (keys Models:Detector, Models:Embedder, Models:FuseWith:0,
    /// Models:Detection:InputSize, ...); null, or a file left unnamed: the default set's (<see cref="ModelsInForce"/>).
    /// </summary>
    public FaceModels? Models { get; set; }

    /// <summary>Analyses at once, their threads, the line waiting for them, micro-batching (keys Pipeline:MaxConcurrentAnalyses, ...).</summary>
    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>The largest photo accepted and the decoded pixels all requests may hold at once (keys Upload:MaxPixels, ...).</summary>
    public UploadOptions Upload { get; set; } = new();

    /// <summary>Which faces are good enough to keep (key Gallery:MinEnrollImageQuality).</summary>
    public GalleryServiceOptions Gallery { get; set; } = new();

    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Requests a key may make per second on average (token bucket), and the burst above it.</summary>
    public int RateLimitPerSecond { get; set; } = 20;

    public int RateLimitBurst { get; set; } = 40;

    /// <summary>
    /// Every face recognize does not accept is kept in the groups of unnamed faces, to be named on the page or through
    /// /v1/groups (a request can ask for it alone with collect=true and a key with the write scope).
    /// </summary>
    public bool CollectUnknown { get; set; }

    /// <summary>Most photos one enrolment request may carry (each is a full analysis).</summary>
    public int MaxPhotosPerRequest { get; set; } = 10;

    /// <summary>Most matches returned per face by recognize.</summary>
    public int MaxTopK { get; set; } = 100;

    /// <summary>1:N scoring: best-face, mean-template or both (default: the library's, chosen by measurement).</summary>
    public string Scoring { get; set; } = SubjectScorings.Default.Name();

    /// <summary>The cameras' limits and timings (keys Cameras:MaxCameras, Cameras:SnapshotRetention, ...).</summary>
    public CameraOptions Cameras { get; set; } = new();

    /// <summary>The limits of video jobs (keys Videos:MaxUploadBytes, Videos:MaxDuration, ...).</summary>
    public Videos.VideoJobOptions Videos { get; set; } = new();

    /// <summary>The hosts webhooks may post to (none by default) and their retries (keys Webhooks:AllowedHosts:0, Webhooks:MaxAttempts, ...).</summary>
    public WebhookOptions Webhooks { get; set; } = new();

    /// <summary>
    /// <see cref="Models"/> with the default set's files where it names none (YuNet shipped, the fetched fusion):
    /// configuration binding leaves a file it is not given null.
    /// </summary>
    public FaceModels ModelsInForce() => Models is null
        ? new FaceModels { Detector = ModelStore.DefaultDetector(), Embedder = ModelStore.DefaultEmbedder() }
        : Models with { Detector = Models.Detector ?? ModelStore.DefaultDetector(), Embedder = Models.Embedder ?? ModelStore.DefaultEmbedder() };

    /// <summary>Refuses settings that cannot work, at start, with a message that says which.</summary>
    public void Validate()
    {
        if (RateLimitPerSecond < 1 || RateLimitBurst < 1)
        {
            throw new ArgumentException("The rate limit (--rate) must be at least 1 request a second.");
        }

        var detection = Models?.Detection ?? DetectorOptions.Default;
        if (MaxUploadBytes < 1 || Upload.MaxPixels < 1 || Upload.MaxDecodedPixels < 1 || MaxTopK < 1 || MaxPhotosPerRequest < 1 || detection.MaxFaces < 1 || detection.InputSize < 1
            || Gallery.MinEnrollImageQuality is < 0 or > 1 || Pipeline.MaxConcurrentAnalyses < 0 || Pipeline.IntraOpThreads < 0 || Pipeline.MaxQueuedAnalyses < 0 || Upload.MaxQueued < 0
            || Pipeline.EmbeddingBatchWait < TimeSpan.Zero || Pipeline.EmbeddingBatchWait > TimeSpan.FromSeconds(1) || ApproximateFrom < 0)
        {
            throw new ArgumentException("Upload size, pixel limit, top-k, photos a request, faces a photo and --input-size must be positive; concurrency, threads, queue and --approximate-from not negative; the enrolment quality from 0 to 1; the batch wait from 0 to 1000 ms.");
        }

        if (MaxPhotosPerRequest > RateLimitBurst)
        {
            throw new ArgumentException($"--max-photos ({MaxPhotosPerRequest}) is above the rate limit's burst ({RateLimitBurst}, twice --rate): each photo costs one request, so such an enrolment could never pass.");
        }

        SubjectScorings.Parse(Scoring);
        Cameras.Validate();
        Videos.Validate();
        Webhooks.Validate();
    }
}
