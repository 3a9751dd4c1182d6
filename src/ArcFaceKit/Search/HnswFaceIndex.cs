using System.Collections.Concurrent;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Search;

/// <summary>
/// Approximate search for galleries past what an exact scan answers quickly: a hierarchical navigable small-world graph
/// (HNSW, in USearch's native library) over half-precision copies, scored by inner product. It finds most of the true
/// top k, not all (the search bench in docs/search.md reports recall@10); what it finds is scored exactly, in half precision.
/// Searches may run on many threads at once; writes may not run beside anything else. A gallery saves the graph in its
/// index file and reads it back at the next open instead of linking every node again (minutes at a million).
/// </summary>
internal sealed class HnswFaceIndex : IFaceIndex, IDisposable
{
    private const int Chunk = 1 << 20;

    // The relinking probe: breadth 16 and the top 10 flagged every stranded node in 200 builds (none left) at a
    // fraction of the breadth searches use, so the check costs less than the adds it follows.
    private const int ProbeBreadth = 16;
    private const int ProbeHits = 10;
    private readonly int _threads;
    private readonly HnswOptions _options;
    private nint _index;
    private int _expansionSearch;
    private MappedRegion? _viewed;

    /// <summary>Nodes the last <see cref="AddMany"/> found stranded and linked again (see <see cref="Relink"/>).</summary>
    internal int Relinked { get; private set; }

    /// <summary>Whether the graph is viewed in an index file's mapping (not yet copied into memory).</summary>
    internal bool Viewed => _viewed is not null;

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
        _options = options;
        _index = UsearchNative.Create(dimension, UsearchNative.Scalar.Float16, options.Connectivity, options.ExpansionAdd, options.ExpansionSearch);
        SetThreads();
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
        Materialize();
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

        Materialize();
        foreach (var (id, vector) in ids.Zip(vectors))
        {
            SlotIds.CheckLength(vector, Dimension, "the vector");
            Remove(id);
        }

        Reserve(ids.Count);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        Parallel.For(0, ids.Count, parallel, i => Add(ids[i], vectors[i]));
        if (_threads > 1)
        {
            Relink(ids, vectors, parallel);
        }
    }

    /// <summary>
    /// USearch 2.26 can strand a node added beside others: stored, but reached from no other node, so never found
    /// (unum-cloud/USearch#735; 300 LFW faces linked on two threads left such nodes in 237 of 400 builds, up to 9 in one,
    /// and in another run of 200 builds up to 22). Each
    /// node of the batch searches for itself; those that do not find themselves are linked again, one at a time.
    /// </summary>
    private void Relink(IReadOnlyList<long> ids, IReadOnlyList<float[]> vectors, ParallelOptions parallel)
    {
        int breadth = _expansionSearch;
        ExpansionSearch = ProbeBreadth;
        var stranded = new ConcurrentBag<int>();
        try
        {
            Parallel.For(0, ids.Count, parallel, i =>
            {
                if (!Search(vectors[i], ProbeHits).Any(h => h.Id == ids[i]))
                {
                    stranded.Add(i);
                }
            });
        }
        finally
        {
            ExpansionSearch = breadth;
        }

        Relinked = stranded.Count;
        foreach (int i in stranded.Order())
        {
            Remove(ids[i]);
            Add(ids[i], vectors[i]);
        }
    }

    public bool Remove(long id)
    {
        Materialize();
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

    /// <summary>Writes the graph (its length, then USearch's serialised form), for <see cref="Read"/> to load without relinking every node.</summary>
    internal unsafe void Write(Stream stream)
    {
        nuint length = UsearchNative.SerializedLength(Handle, out nint error);
        UsearchNative.Check(error);
        byte* buffer = (byte*)NativeMemory.Alloc(length);
        try
        {
            UsearchNative.SaveBuffer(Handle, buffer, length, out error);
            UsearchNative.Check(error);
            stream.Write(BitConverter.GetBytes((long)length));
            for (nuint done = 0; done < length; done += Chunk)
            {
                stream.Write(new ReadOnlySpan<byte>(buffer + done, (int)Math.Min(Chunk, length - done)));
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>
    /// A graph as <see cref="Write"/> wrote it, at the stream's position, searched and extended with
    /// <paramref name="options"/>'s threads and breadth. From a file (not on Windows) with <paramref name="map"/> it is
    /// viewed in place: searches read the file's mapping (page cache, shared), and the first change copies it into
    /// memory; otherwise, from any other stream, or on Windows (where a mapped file can be neither replaced nor deleted,
    /// and writers do both), it is loaded.
    /// EndOfStreamException or InvalidDataException when the bytes are not one.
    /// </summary>
    internal static unsafe HnswFaceIndex Read(Stream stream, int dimension, HnswOptions options, bool map = true)
    {
        long length = ReadLength(stream);
        var graph = new HnswFaceIndex(dimension, options);
        try
        {
            nint error;
            if (map && stream is FileStream file && !OperatingSystem.IsWindows())
            {
                graph._viewed = new MappedRegion(file, stream.Position, length, MemoryMappedFileAccess.Read);
                UsearchNative.ViewBuffer(graph.Handle, graph._viewed.Start, (nuint)length, out error);
                stream.Seek(length, SeekOrigin.Current);
            }
            else
            {
                byte* buffer = (byte*)NativeMemory.Alloc((nuint)length);
                try
                {
                    for (long done = 0; done < length; done += Chunk)
                    {
                        stream.ReadExactly(new Span<byte>(buffer + done, (int)Math.Min(Chunk, length - done)));
                    }

                    UsearchNative.LoadBuffer(graph.Handle, buffer, (nuint)length, out error);
                }
                finally
                {
                    NativeMemory.Free(buffer);
                }
            }

            if (error != 0)
            {
                throw new InvalidDataException($"The saved graph does not load: {Marshal.PtrToStringUTF8(error)}");
            }

            if ((int)UsearchNative.Dimensions(graph.Handle, out error) != dimension)
            {
                throw new InvalidDataException("The saved graph holds vectors of another dimension.");
            }

            graph.Configure();
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    /// <summary>Moves the stream past a graph <see cref="Write"/> wrote, without loading it.</summary>
    internal static void Skip(Stream stream) => stream.Seek(ReadLength(stream), SeekOrigin.Current);

    public void Dispose()
    {
        if (_index != 0)
        {
            UsearchNative.Free(_index, out _);
            _index = 0;
        }

        _viewed?.Dispose();   // after the index that viewed it
        _viewed = null;
    }

    /// <summary>A viewed graph is read-only: before its first change it is copied into memory, into a new index that takes its place.</summary>
    private unsafe void Materialize()
    {
        if (_viewed is null)
        {
            return;
        }

        nint copy = UsearchNative.Create(Dimension, UsearchNative.Scalar.Float16, _options.Connectivity, _options.ExpansionAdd, _expansionSearch);
        UsearchNative.LoadBuffer(copy, _viewed.Start, (nuint)_viewed.Length, out nint error);
        if (error != 0)
        {
            UsearchNative.Free(copy, out _);
            UsearchNative.Check(error);
        }

        UsearchNative.Free(_index, out _);
        _index = copy;
        _viewed.Dispose();
        _viewed = null;
        Configure();
    }

    /// <summary>The threads and search breadth, set again on an index that was loaded or viewed (which takes the saved ones).</summary>
    private void Configure()
    {
        SetThreads();
        ExpansionSearch = _expansionSearch;
    }

    /// <summary>The length a graph's bytes were written with, refused when the stream cannot hold them.</summary>
    private static long ReadLength(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        stream.ReadExactly(bytes);
        long length = BitConverter.ToInt64(bytes);
        return length > 0 && length <= stream.Length - stream.Position ? length : throw new InvalidDataException("The saved graph's length is impossible.");
    }

    private void SetThreads()
    {
        UsearchNative.ThreadsAdd(Handle, (nuint)_threads, out nint error);
        UsearchNative.Check(error);
        UsearchNative.ThreadsSearch(Handle, (nuint)Math.Max(_threads, Environment.ProcessorCount), out error);
        UsearchNative.Check(error);
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
