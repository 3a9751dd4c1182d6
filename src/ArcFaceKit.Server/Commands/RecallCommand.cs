using System.ComponentModel;
using ArcFaceKit.Server.Api;
using ArcFaceKit.Server.Benchmarks;
using ArcFaceKit.Server.Storage;
using Spectre.Console.Cli;

namespace ArcFaceKit.Server.Commands;

/// <summary>`recall`: HNSW recall@k against exact search on real embeddings, in a new PostgreSQL schema.</summary>
public sealed class RecallCommand : Command<RecallCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--postgres <CONNECTION>")]
        [Description("PostgreSQL connection string. Default: $ARCFACE_POSTGRES.")]
        public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("ARCFACE_POSTGRES");

        [CommandOption("--images <DIR>")]
        [Description("Photos to embed. Default: ../shared/datasets/lfw-view2/images.")]
        public string Images { get; init; } = "../shared/datasets/lfw-view2/images";

        [CommandOption("--faces <N>")]
        [Description("Gallery size. Default 5000.")]
        public int Faces { get; init; } = 5000;

        [CommandOption("--probes <N>")]
        [Description("Probe faces (taken from the gallery). Default 200.")]
        public int Probes { get; init; } = 200;

        [CommandOption("-k <K>")]
        public int K { get; init; } = 10;

        [CommandOption("--ef-search <N>")]
        [Description("pgvector hnsw.ef_search. Default 100 (the server's default).")]
        public int EfSearch { get; init; } = 100;

        [CommandOption("--detector <FILE>")]
        public string? Detector { get; init; }

        [CommandOption("--embedder <FILE>")]
        public string? Embedder { get; init; }

        [CommandOption("--detector-size <PIXELS>")]
        public int DetectorSize { get; init; } = 640;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string connection = settings.Postgres ?? throw new ArgumentException("--postgres (or $ARCFACE_POSTGRES) is required.");
        string schema = "recall_" + Guid.NewGuid().ToString("N")[..12];
        using var faces = FaceAnalyzer.Open(new ServerOptions { Detector = settings.Detector, Embedder = settings.Embedder, DetectorInputSize = settings.DetectorSize });
        var photos = Directory.EnumerateFiles(settings.Images, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        var report = HnswRecall.Measure(faces, new PostgresOptions(connection) { Schema = schema, EfSearch = settings.EfSearch }, photos, settings.Faces, settings.Probes, settings.K,
            line => Console.Error.Write($"\r{line}   "));
        Console.Error.WriteLine();
        Console.WriteLine($"{faces.Pipeline.Embedder.Identity}; schema {schema} (drop it when done)");
        Console.WriteLine(report);
        return 0;
    }
}
