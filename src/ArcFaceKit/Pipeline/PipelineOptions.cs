using ArcFaceKit.Imaging;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Pipeline;

/// <summary>A pipeline's limits: how many analyses run at once and on how many threads, how many wait, image files' size.</summary>
public sealed record PipelineOptions
{
    /// <summary>
    /// How many analyses (detect + align + embed of one request or batch) run at once; 0: the cores shared out among
    /// analyses of <see cref="IntraOpThreads"/> threads when that is given (cores / threads, at least 1), else
    /// <see cref="DefaultConcurrency"/>.
    /// </summary>
    public int MaxConcurrentAnalyses { get; init; }

    /// <summary>
    /// ONNX Runtime threads inside one model run; 0: the cores shared out among the concurrent analyses
    /// (cores / <see cref="MaxConcurrentAnalyses"/>, at least 1), so that full concurrency does not oversubscribe the cores.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Analyses that may wait for a slot; one more is refused with <see cref="ServiceBusyException"/>.</summary>
    public int MaxQueuedAnalyses { get; init; } = 64;

    /// <summary>
    /// Micro-batching: how long the faces of one analysis may wait for those of concurrent analyses, to be embedded in
    /// one model run (up to the embedder's batch size); zero (the default) embeds each analysis's faces at once, inside
    /// its slot. Measured with the load test (docs/speed.md): see there for when it pays.
    /// </summary>
    public TimeSpan EmbeddingBatchWait { get; init; }

    /// <summary>The most faces embedded in one model run when micro-batching.</summary>
    public int EmbeddingBatchSize { get; init; } = EmbedderOptions.Default.BatchSize;

    /// <summary>Image files whose header declares more pixels than this are refused before decoding.</summary>
    public long MaxPixels { get; init; } = DecodeOptions.DefaultMaxPixels;

    /// <summary>
    /// Concurrent analyses when none is given: one per core, each single-threaded. Measured with the server's load test
    /// on 2 cores (docs/speed.md): 99 requests/s at 1 client and 190 at 8, against 44 and 65 for one analysis on both cores.
    /// </summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount);

    /// <summary>The concurrency in force: <see cref="MaxConcurrentAnalyses"/>, or as many analyses of <see cref="IntraOpThreads"/> threads as the cores hold, or the default.</summary>
    public int Concurrency =>
        MaxConcurrentAnalyses > 0 ? MaxConcurrentAnalyses
        : IntraOpThreads > 0 ? Math.Max(1, Environment.ProcessorCount / IntraOpThreads)
        : DefaultConcurrency;

    /// <summary>The intra-op threads in force: <see cref="IntraOpThreads"/> or the cores shared out among the analyses.</summary>
    public int ThreadsPerAnalysis => IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, Environment.ProcessorCount / Concurrency);

    public static PipelineOptions Default { get; } = new();
}
