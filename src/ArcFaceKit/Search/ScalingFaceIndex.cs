namespace ArcFaceKit.Search;

/// <summary>
/// Exact below a size, approximate above it: the 8-bit index always holds the vectors (and scores what is found, so
/// numbers agree whichever path found it); from <see cref="GalleryIndexOptions.ApproximateFrom"/> vectors on, an HNSW
/// graph over them answers the nearest-neighbour searches. The graph is built in bulk when the size is first reached
/// (or read back from the index file) and kept in step after that. Not thread-safe: its owner serialises access.
/// </summary>
internal sealed class ScalingFaceIndex(Int8FaceIndex exact, GalleryIndexOptions options) : IDisposable
{
    private const int BuildBatch = 65_536;
    private HnswFaceIndex? _graph;

    public ScalingFaceIndex(int dimension, GalleryIndexOptions options)
        : this(new Int8FaceIndex(dimension), options)
    {
    }

    public Int8FaceIndex Exact => exact;

    public int Count => exact.Count;

    /// <summary>Whether searches go through the graph (approximate).</summary>
    public bool Approximate => _graph is not null;

    public void Upsert(long id, ReadOnlySpan<float> vector)
    {
        exact.Upsert(id, vector);
        _graph?.Upsert(id, vector);
        BuildWhenLarge();
    }

    public void Remove(long id)
    {
        exact.Remove(id);
        _graph?.Remove(id);
    }

    /// <summary>The n nearest (exactly below the size, approximately above), scored from the half-precision copies.</summary>
    public IReadOnlyList<SearchHit> Search(float[] probe, int n)
    {
        if (_graph is null)
        {
            return exact.Search(probe, n);
        }

        return [.. _graph.Search(probe, n).Select(h => new SearchHit(h.Id, exact.Similarity(h.Id, probe)!.Value)).OrderByDescending(h => h.Similarity).ThenBy(h => h.Id)];
    }

    /// <summary>Whether the graph was read from an index file rather than built.</summary>
    public bool GraphRead { get; private set; }

    /// <summary>Whether the graph read is still viewed in the index file's mapping.</summary>
    public bool GraphViewed => _graph?.Viewed ?? false;

    /// <summary>Writes whether there is a graph and, when there is, what it was built with and the graph itself (the index file).</summary>
    public void WriteGraph(BinaryWriter writer)
    {
        writer.Write(_graph is not null);
        if (_graph is not null)
        {
            writer.Write(options.Hnsw.Connectivity);
            writer.Write(options.Hnsw.ExpansionAdd);
            _graph.Write(writer.BaseStream);
        }
    }

    /// <summary>
    /// Reads what <see cref="WriteGraph"/> wrote: the graph is kept when this index's options would have built the same
    /// one for its vectors, else skipped (<see cref="BuildWhenLarge"/> then builds one if the options want it).
    /// </summary>
    public void ReadGraph(BinaryReader reader)
    {
        if (reader.ReadBoolean())
        {
            bool same = reader.ReadInt32() == options.Hnsw.Connectivity & reader.ReadInt32() == options.Hnsw.ExpansionAdd;
            if (same && _graph is null && Wanted)
            {
                var graph = HnswFaceIndex.Read(reader.BaseStream, exact.Dimension, options.Hnsw, options.MapIndexFile);
                if (graph.Count != exact.Count)
                {
                    graph.Dispose();
                    throw new InvalidDataException("The saved graph and the index hold different numbers of vectors.");
                }

                _graph = graph;
                GraphRead = true;
            }
            else
            {
                HnswFaceIndex.Skip(reader.BaseStream);
            }
        }
    }

    /// <summary>Builds the graph once the index has reached the size (also after a bulk read from an index file).</summary>
    public void BuildWhenLarge()
    {
        if (_graph is not null || !Wanted)
        {
            return;
        }

        var graph = new HnswFaceIndex(exact.Dimension, options.Hnsw);
        try
        {
            foreach (var chunk in exact.Entries().Chunk(BuildBatch))
            {
                graph.AddMany([.. chunk.Select(e => e.Id)], [.. chunk.Select(e => e.Vector)]);
            }
        }
        catch
        {
            graph.Dispose();
            throw;
        }

        _graph = graph;
    }

    private bool Wanted => options.ApproximateFrom > 0 && exact.Count >= options.ApproximateFrom;

    public void Dispose()
    {
        _graph?.Dispose();
        exact.Dispose();
    }
}
