using ArcFaceKit.Gallery;
using ArcFaceKit.Models;
using ArcFaceKit.Service;

namespace ArcFaceKit.Bench;

/// <summary>`recall`: HNSW recall@k against exact search in PostgreSQL, on real face embeddings, in a new schema.</summary>
internal static class RecallBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        string connection = options.Value("--postgres") ?? Environment.GetEnvironmentVariable("ARCFACE_POSTGRES")
            ?? throw new ArgumentException("recall needs --postgres CONNECTION (or $ARCFACE_POSTGRES).");
        string schema = "recall_" + Guid.NewGuid().ToString("N")[..12];
        using var faces = FaceService.Open(new FaceServiceOptions
        {
            Detector = options.Value("--detector") ?? ModelStore.DefaultDetector(),
            Embedder = options.Value("--embedder") ?? ModelStore.DefaultEmbedder(),
        });
        var photos = Directory.EnumerateFiles(options.Images, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        var target = new PostgresGalleryOptions(connection) { Schema = schema, EfSearch = options.Int("--ef-search", 100) };
        var report = await HnswRecall.MeasureAsync(faces, target, photos, options.Int("--faces", 5000), options.Int("--probes", 200), options.Int("--k", 10),
            line => Console.Error.Write($"\r{line}   "));
        Console.Error.WriteLine();
        Console.WriteLine($"{faces.Embedder.Identity}; schema {schema} (drop it when done)");
        Console.WriteLine(report);
    }
}
