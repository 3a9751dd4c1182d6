using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;

namespace ArcFaceKit.Server;

/// <summary>The server's settings (configuration section "ArcFace"; the flags of `serve` map onto it). Defaults are the library's.</summary>
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

    /// <summary>Detector model; default YuNet, shipped in ArcFaceKit.ModelFetch (no fetch needed).</summary>
    public string? Detector { get; set; }

    /// <summary>Embedder model; default the fusion of the two fetched embedders (faceplugin_fr_feature + dlib_resnet).</summary>
    public string? Embedder { get; set; }

    /// <summary>Embedders fused with <see cref="Embedder"/> (embedding-level, in order); empty: it alone.</summary>
    public string[] FuseWith { get; set; } = [];

    /// <summary>Detector input side for models of free size; 0: the library's default.</summary>
    public int DetectorInputSize { get; set; }

    /// <summary>Minimum detection score; null: the detector family's default.</summary>
    public float? DetectorScore { get; set; }

    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    public long MaxPixels { get; set; } = DecodeOptions.DefaultMaxPixels;

    /// <summary>Budget of decoded pixels held at once by all requests together (3 bytes each); uploads wait for room.</summary>
    public long MaxDecodedPixels { get; set; } = UploadOptions.DefaultMaxDecodedPixels;

    /// <summary>Requests a key may make per second on average (token bucket), and the burst above it.</summary>
    public int RateLimitPerSecond { get; set; } = 20;

    public int RateLimitBurst { get; set; } = 40;

    /// <summary>Enrolment refuses faces whose image quality is under this (0..1; 0: none refused).</summary>
    public float MinEnrollQuality { get; set; }

    /// <summary>
    /// Every face recognize does not accept is kept in the groups of unnamed faces, to be named on the page or through
    /// /v1/groups (a request can ask for it alone with collect=true and a key with the write scope).
    /// </summary>
    public bool CollectUnknown { get; set; }

    /// <summary>Most faces of one photo considered (the largest); 0: the library's default.</summary>
    public int MaxFacesPerPhoto { get; set; }

    /// <summary>Most photos one enrolment request may carry (each is a full analysis).</summary>
    public int MaxPhotosPerRequest { get; set; } = 10;

    /// <summary>Most matches returned per face by recognize.</summary>
    public int MaxTopK { get; set; } = 100;

    /// <summary>Analyses (model work of one request) running at once; 0: the library's default (one per core).</summary>
    public int MaxConcurrentAnalyses { get; set; }

    /// <summary>Requests that may wait for an analysis slot; beyond that the server answers 503 with Retry-After.</summary>
    public int MaxQueuedAnalyses { get; set; } = 64;

    /// <summary>Micro-batching wait in milliseconds (0: off); see <see cref="PipelineOptions.EmbeddingBatchWait"/>.</summary>
    public double EmbeddingBatchWaitMs { get; set; }

    /// <summary>1:N scoring: best-face, mean-template or both (default: the library's, chosen by measurement).</summary>
    public string Scoring { get; set; } = SubjectScorings.Default.Name();

    /// <summary>The models these settings name; missing ones are the fetched default set.</summary>
    public FaceModels ToModels() => new()
    {
        Detector = Detector ?? ModelStore.DefaultDetector(),
        Embedder = Embedder ?? ModelStore.DefaultEmbedder(),
        FuseWith = FuseWith,
        Detection = DetectorOptions.Default with
        {
            InputSize = DetectorInputSize > 0 ? DetectorInputSize : DetectorOptions.Default.InputSize,
            MaxFaces = MaxFacesPerPhoto > 0 ? MaxFacesPerPhoto : DetectorOptions.Default.MaxFaces,
            ScoreThreshold = DetectorScore,
        },
    };

    public PipelineOptions ToPipelineOptions() => new()
    {
        MaxPixels = MaxPixels,
        MaxConcurrentAnalyses = MaxConcurrentAnalyses,
        MaxQueuedAnalyses = MaxQueuedAnalyses,
        EmbeddingBatchWait = TimeSpan.FromMilliseconds(EmbeddingBatchWaitMs),
    };

    public UploadOptions ToUploadOptions() => new() { MaxPixels = MaxPixels, MaxDecodedPixels = MaxDecodedPixels, MaxQueued = MaxQueuedAnalyses };

    public GalleryServiceOptions ToGalleryServiceOptions() => new() { MinEnrollImageQuality = MinEnrollQuality };

    /// <summary>Refuses settings that cannot work, at start, with a message that says which.</summary>
    public void Validate()
    {
        if (RateLimitPerSecond < 1 || RateLimitBurst < 1)
        {
            throw new ArgumentException("The rate limit (--rate) must be at least 1 request a second.");
        }

        if (MaxUploadBytes < 1 || MaxPixels < 1 || MaxDecodedPixels < 1 || MaxTopK < 1 || MaxPhotosPerRequest < 1 || MaxFacesPerPhoto < 0 || MinEnrollQuality is < 0 or > 1 || MaxConcurrentAnalyses < 0 || MaxQueuedAnalyses < 0 || DetectorInputSize < 0 || EmbeddingBatchWaitMs is < 0 or > 1000 || ApproximateFrom < 0)
        {
            throw new ArgumentException("Upload size, pixel limit, top-k, photos a request and detector size must be positive; concurrency, queue, face limits and --approximate-from not negative; the enrolment quality from 0 to 1; the batch wait from 0 to 1000 ms.");
        }

        if (MaxPhotosPerRequest > RateLimitBurst)
        {
            throw new ArgumentException($"--max-photos ({MaxPhotosPerRequest}) is above the rate limit's burst ({RateLimitBurst}, twice --rate): each photo costs one request, so such an enrolment could never pass.");
        }

        SubjectScorings.Parse(Scoring);
    }
}
