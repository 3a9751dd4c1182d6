namespace ArcFaceKit.Search;

/// <summary>The graph of an <see cref="HnswFaceIndex"/>: the defaults are the ones measured in the README (bench search).</summary>
public sealed record HnswOptions
{
    /// <summary>Links a node keeps on each layer (HNSW's M): more links, better recall, more memory and slower adds.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while linking a new node (efConstruction).</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>Candidates kept while searching (efSearch): the recall/speed dial.</summary>
    public int ExpansionSearch { get; init; } = 64;

    /// <summary>Threads that add a batch (<see cref="HnswFaceIndex.AddMany"/>); 0: every core.</summary>
    public int Threads { get; init; }
}
