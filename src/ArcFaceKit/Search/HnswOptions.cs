namespace ArcFaceKit.Search;

/// <summary>The graph of an <see cref="HnswFaceIndex"/>: the defaults are the ones measured in docs/search.md (bench search).</summary>
public sealed record HnswOptions
{
    /// <summary>Links a node keeps on each layer (HNSW's M): more links, better recall, more memory and slower adds.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while linking a new node (efConstruction).</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>
    /// Candidates kept while searching (efSearch): the recall/speed dial. 128: at a million real embeddings with noise
    /// (bench search --data real) 64 found 91.9% of the true top 10, 128 and 256 98.3%, 128 at 1.3x the speed of 256;
    /// in a later build of the graph 96.6%, 96.7% and 99.7%, 128 at 1.3x the speed of 256 again.
    /// </summary>
    public int ExpansionSearch { get; init; } = 128;

    /// <summary>
    /// Threads that add a batch (<see cref="HnswFaceIndex.AddMany"/>); 0: every core. A graph linked on one thread is the
    /// same at every build; on several it differs from build to build, and so does its recall: 300 LFW faces found 100%
    /// of the exact top 10 in each of 1,000 builds on one thread, 93.6% to 100% (median 99.6%) on two. On several, the
    /// nodes concurrent adds strand are found and linked again after the batch (docs/search.md: 45% more build time at
    /// 200,000 real embeddings).
    /// </summary>
    public int Threads { get; init; }
}
