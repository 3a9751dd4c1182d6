namespace ArcFaceKit.Search;

/// <summary>The graph of an <see cref="HnswFaceIndex"/>: the defaults are the ones measured in the README (bench search).</summary>
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
    /// How a graph saved in an index file comes back (not on Windows, where it is always loaded): true, viewed in the
    /// file's mapping, copied into memory at the first change; false, loaded into memory at open. At a million 512-d
    /// faces (bench gallery-open --approximate-from, both in one run) viewed opened in 0.79 s, loaded in 11.7 s, and the
    /// loaded one answered 1.15x the searches a second.
    /// </summary>
    public bool ViewSaved { get; init; } = true;

    /// <summary>Threads that add a batch (<see cref="HnswFaceIndex.AddMany"/>); 0: every core.</summary>
    public int Threads { get; init; }
}
