namespace ArcFaceKit.Search;

/// <summary>
/// Approximate search for galleries past what an exact scan answers quickly: a hierarchical navigable small-world graph
/// (HNSW, in USearch's native library) over half-precision copies, scored by inner product. It finds most of the true
/// top k, not all (the README's search bench reports recall@10); what it finds is scored exactly, in half precision.
/// Searches may run on many threads at once; writes may not run beside anything else.
/// </summary>
public sealed class HnswFaceIndex : IFaceIndex, IDisposable
{
    private readonly int _threads;
    private nint _index;
    private int _expansionSearch;

    public HnswFaceIndex(int dimension, HnswOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        options ??= new HnswOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connectivity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ExpansionAdd, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ExpansionSearch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads);
        Dimension = dimension;
        _threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _expansionSearch = options.ExpansionSearch;
        _index = UsearchNative.Create(dimension, UsearchNative.Scalar.Float16, options.Connectivity, options.ExpansionAdd, options.ExpansionSearch);
        UsearchNative.ThreadsAdd(_index, (nuint)_threads, out nint error);
        UsearchNative.Check(error);
        UsearchNative.ThreadsSearch(_index, (nuint)Math.Max(_threads, Environment.ProcessorCount), out error);
        UsearchNative.Check(error);
    }

    public int Dimension { get; }

    public int Count
    {
        get
        {
            nuint size = UsearchNative.Size(Handle, out nint error);
            UsearchNative.Check(error);
            return (int)size;
        }
    }

    /// <summary>Candidates kept while searching (efSearch); changing it needs no rebuild.</summary>
    public int ExpansionSearch
    {
        get => _expansionSearch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            UsearchNative.ExpansionSearch(Handle, (nuint)value, out nint error);
            UsearchNative.Check(error);
            _expansionSearch = value;
        }
    }

    private nint Handle => _index != 0 ? _index : throw new ObjectDisposedException(nameof(HnswFaceIndex));

    public void Upsert(long id, ReadOnlySpan<float> vector)
    {
        SlotIds.CheckLength(vector, Dimension, "the vector");
        Remove(id);
        Reserve(1);
        Add(id, vector);
    }

    /// <summary>Adds (or replaces) many vectors, linking them into the graph on several threads at once.</summary>
    public void AddMany(IReadOnlyList<long> ids, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        if (ids.Count != vectors.Count)
        {
            throw new ArgumentException($"{ids.Count} ids for {vectors.Count} vectors.", nameof(vectors));
        }

        foreach (var (id, vector) in ids.Zip(vectors))
        {
            SlotIds.CheckLength(vector, Dimension, "the vector");
            Remove(id);
        }

        Reserve(ids.Count);
        Parallel.For(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i => Add(ids[i], vectors[i]));
    }

    public bool Remove(long id)
    {
        nuint removed = UsearchNative.Remove(Handle, unchecked((ulong)id), out nint error);
        UsearchNative.Check(error);
        return removed > 0;
    }

    public unsafe IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        SlotIds.CheckLength(query, Dimension, "the query");
        if (k <= 0)
        {
            return [];
        }

        var keys = new ulong[k];
        var distances = new float[k];
        nuint found;
        nint error;
        fixed (float* q = query)
        fixed (ulong* keyAt = keys)
        fixed (float* distanceAt = distances)
        {
            found = UsearchNative.Search(Handle, q, UsearchNative.Scalar.Float32, (nuint)k, keyAt, distanceAt, out error);
        }

        UsearchNative.Check(error);

        // USearch's inner-product distance is 1 - dot.
        return [.. Enumerable.Range(0, (int)found).Select(i => new SearchHit(unchecked((long)keys[i]), 1 - distances[i]))];
    }

    public void Dispose()
    {
        if (_index != 0)
        {
            UsearchNative.Free(_index, out _);
            _index = 0;
        }
    }

    /// <summary>Room for <paramref name="more"/> vectors, growing by doubling so adds one at a time stay cheap.</summary>
    private void Reserve(int more)
    {
        nuint capacity = UsearchNative.Capacity(Handle, out nint error);
        UsearchNative.Check(error);
        long needed = (long)Count + more;
        if ((ulong)needed > capacity)
        {
            UsearchNative.Reserve(Handle, (nuint)Math.Max(needed, Math.Max(16, (long)capacity * 2)), out error);
            UsearchNative.Check(error);
        }
    }

    private unsafe void Add(long id, ReadOnlySpan<float> vector)
    {
        nint error;
        fixed (float* v = vector)
        {
            UsearchNative.Add(Handle, unchecked((ulong)id), v, UsearchNative.Scalar.Float32, out error);
        }

        UsearchNative.Check(error);
    }
}
