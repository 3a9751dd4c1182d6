using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Search;

/// <summary>
/// Exact search that reads a quarter of the bytes: the scan reads each vector as 8-bit codes (one scale a vector,
/// x ~ scale * code, |error| at most scale / 2 a component), keeps as candidates every vector whose approximate score is
/// within twice the approximation's error bound of the k-th best, which provably holds the true top k, and re-scores
/// them from half-precision copies, so the ranking is the half-precision one, in one pass. Large indexes are scanned
/// on every core, and batches of queries in one pass. 3 bytes a dimension (1 for the codes the scan reads, 2 for the
/// copies it re-scores from); read from a file, the copies stay mapped from it (<see cref="HalfCopies"/>), so 1 byte a
/// dimension is the process's own. The scan's dot products run on the best kernel the CPU has (<see cref="Int8Kernels"/>),
/// or on one forced; all give the same answers. Not thread-safe for writes.
/// </summary>
internal sealed class Int8FaceIndex : IFaceIndex, IDisposable
{
    private const int ParallelFrom = 16_384;

    // Queries scanned together: their codes (32 KB at 512-d) stay in the core's caches while each stored vector is read once.
    private const int Block = 64;

    // Slots past the last one the codes and scales have room for: the scan reads eight slots a step, the last step's
    // extra ones unused, so it needs no separate loop for the tail.
    private const int Overrun = 7;

    private readonly SlotIds _ids;
    private readonly int _stride;
    private readonly int _threads;
    private byte[] _codes;
    private float[] _scales;
    private HalfCopies _copies;
    private float _largestScale;

    /// <param name="dimension">The vectors' length.</param>
    /// <param name="threads">Cores a large scan is split over; 0: every core.</param>
    /// <param name="kernel">The kernel the scan runs; null: <see cref="Int8Kernels.Default"/>. PlatformNotSupportedException when the CPU cannot run it.</param>
    public Int8FaceIndex(int dimension, int threads = 0, Int8Kernel? kernel = null)
        : this(dimension, threads, kernel, capacity: 16)
    {
    }

    /// <summary>Room for <paramref name="capacity"/> vectors; the copies are those given (read with the index) or room in memory.</summary>
    private Int8FaceIndex(int dimension, int threads, Int8Kernel? kernel, int capacity, HalfCopies? copies = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Dimension = dimension;
        Kernel = kernel ?? Int8Kernels.Default;
        _ids = new SlotIds(capacity);
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        _stride = Int8Codes.Stride(dimension);
        _codes = new byte[_stride * (capacity + Overrun)];
        _scales = new float[capacity + Overrun];
        _copies = copies ?? new HalfCopies(dimension, capacity);
    }

    public int Dimension { get; }

    /// <summary>The kernel the scan runs (a bench switches it between runs on the same index); PlatformNotSupportedException for one the CPU cannot run.</summary>
    internal Int8Kernel Kernel
    {
        get;
        set => field = Int8Kernels.Checked(value);
    }

    public int Count => _ids.Count;

    /// <summary>Whether the half-precision copies are mapped from the file the index was read from.</summary>
    internal bool CopiesMapped => _copies.Mapped;

    public void Upsert(long id, ReadOnlySpan<float> vector)
    {
        SlotIds.CheckLength(vector, Dimension, "the vector");
        int slot = _ids.SlotOf(id);
        if (slot + Overrun == _scales.Length)
        {
            Array.Resize(ref _codes, _codes.Length * 2);
            Array.Resize(ref _scales, _scales.Length * 2);
        }

        if (slot == _copies.Capacity)
        {
            _copies.Grow();
        }

        float scale = Int8Codes.Quantize(vector, _codes.AsSpan(slot * _stride, _stride), Int8Codes.Bias);
        _scales[slot] = scale;
        _largestScale = Math.Max(_largestScale, scale);
        TensorPrimitives.ConvertToHalf(vector, _copies.Row(slot));
    }

    public bool Remove(long id)
    {
        if (!_ids.Remove(id, out int hole, out int last))
        {
            return false;
        }

        _codes.AsSpan(last * _stride, _stride).CopyTo(_codes.AsSpan(hole * _stride, _stride));
        _copies.Row(last).CopyTo(_copies.Row(hole));
        _scales[hole] = _scales[last];
        return true;
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k) => SearchMany([query.ToArray()], k)[0];

    /// <summary>The similarity of one stored vector (its half-precision copy) to the query, as a search would report it; null without that id.</summary>
    internal float? Similarity(long id, ReadOnlySpan<float> query)
    {
        if (!_ids.TryGetSlot(id, out int slot))
        {
            return null;
        }

        return HalfDot.Dot(Copy(slot), query, Int8Kernels.RescoreWidth(Kernel));
    }

    /// <summary>Every stored vector (from its half-precision copy) with its id, in slot order.</summary>
    internal IEnumerable<(long Id, float[] Vector)> Entries()
    {
        for (int slot = 0; slot < Count; slot++)
        {
            var vector = new float[Dimension];
            TensorPrimitives.ConvertToSingle(Copy(slot), vector);
            yield return (_ids[slot], vector);
        }
    }

    /// <summary>Writes the index as it is in memory (ids, copies, codes, scales), for <see cref="Read"/> to load in bulk.</summary>
    internal void Write(BinaryWriter writer)
    {
        writer.Write(Dimension);
        writer.Write(Count);
        writer.Write(MemoryMarshal.AsBytes(_ids.All));
        writer.Flush();
        _copies.Write(writer.BaseStream, Count);
        writer.Write(_codes.AsSpan(0, Count * _stride));
        writer.Write(MemoryMarshal.AsBytes(_scales.AsSpan(0, Count)));
    }

    /// <summary>An index as <see cref="Write"/> wrote it; EndOfStreamException or InvalidDataException when the bytes are not one.</summary>
    internal static Int8FaceIndex Read(BinaryReader reader, int dimension, int threads = 0, bool map = true, Int8Kernel? kernel = null)
    {
        int stored = reader.ReadInt32(), count = reader.ReadInt32();
        if (stored != dimension || count < 0)
        {
            throw new InvalidDataException($"An index of {stored}-d vectors where {dimension}-d ones were expected.");
        }

        if ((long)(count + Overrun) * Int8Codes.Stride(dimension) > Array.MaxLength)
        {
            throw new InvalidDataException("The index is too large.");
        }

        var ids = new long[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));

        // The copies before the codes, so they are mapped (or read) where they lie, before the index that holds them exists.
        int capacity = Math.Max(16, count);
        var index = new Int8FaceIndex(dimension, threads, kernel, capacity, HalfCopies.Read(reader.BaseStream, count, dimension, capacity, map));
        try
        {
            for (int slot = 0; slot < count; slot++)
            {
                if (index._ids.SlotOf(ids[slot]) != slot)
                {
                    throw new InvalidDataException("The index holds an id twice.");
                }
            }

            reader.BaseStream.ReadExactly(index._codes.AsSpan(0, count * index._stride));
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(index._scales.AsSpan(0, count)));
            index._largestScale = count > 0 ? TensorPrimitives.Max(index._scales.AsSpan(0, count)) : 0;
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The top k of each query, as <see cref="Search"/> answers it, for a batch: each block of up to 64 queries reads the
    /// codes once, so a batch costs far less a query than one query at a time (bulk identification, evaluation).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchMany(IReadOnlyList<float[]> queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        foreach (var q in queries)
        {
            SlotIds.CheckLength(q, Dimension, "the query");
        }

        k = Math.Min(k, Count);
        var results = new IReadOnlyList<SearchHit>[queries.Count];
        if (k <= 0)
        {
            Array.Fill(results, []);
            return results;
        }

        for (int start = 0; start < queries.Count; start += Block)
        {
            var block = queries.Skip(start).Take(Block).Select(q => QueryCode.Encode(q, _stride, _largestScale)).ToArray();
            var candidates = Scan(block, k);
            int offset = start;
            Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i =>
                results[offset + i] = Rescore(candidates[i], block[i], k));
        }

        return results;
    }

    /// <summary>For each query, the slots that may be in its top k with their approximate scores (<see cref="Candidates"/>); one pass over the codes.</summary>
    private List<(int Slot, float Score)>[] Scan(QueryCode[] queries, int k)
    {
        int n = Count;
        int parts = n >= ParallelFrom ? _threads : 1;
        var kept = new Candidates[parts][];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int from = (int)((long)n * part / parts), to = (int)((long)n * (part + 1) / parts);
            kept[part] = [.. queries.Select(q => new Candidates(k, 2 * q.Bound))];
            Int8Scan.Run(Kernel, _codes, _scales, _stride, from, to, queries, kept[part]);
        });

        var result = new List<(int Slot, float Score)>[queries.Length];
        for (int q = 0; q < queries.Length; q++)
        {
            // Each part kept its own k best, so the k-th best of them all is the scan's; what a part kept below that
            // less the margin cannot be in the top k.
            var ofParts = kept.Select(mine => mine[q]).ToList();
            float kth = ofParts.SelectMany(c => c.BestScores()).OrderDescending().ElementAt(k - 1);
            result[q] = [.. ofParts.SelectMany(c => c.Above(kth - (2 * queries[q].Bound)))];
        }

        return result;
    }

    /// <summary>
    /// The top k of the candidates by their half-precision copies, re-scored best approximate score first and stopped once
    /// the next cannot reach the k-th re-scored score (it is within the error bound of its approximate one): most
    /// candidates the scan had to keep are never read again.
    /// </summary>
    private SearchHit[] Rescore(List<(int Slot, float Score)> candidates, QueryCode query, int k)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var scored = new List<SearchHit>();
        var best = new TopScores(k);
        int width = Int8Kernels.RescoreWidth(Kernel);
        foreach (var (slot, approximate) in candidates)
        {
            if (approximate + query.Bound < best.Worst)
            {
                break;
            }

            float similarity = HalfDot.Dot(Copy(slot), query.Exact, width);
            best.Offer(scored.Count, similarity);
            scored.Add(new SearchHit(_ids[slot], similarity));
        }

        return [.. scored.OrderByDescending(h => h.Similarity).ThenBy(h => h.Id).Take(k)];
    }

    /// <summary>A stored vector's half-precision copy.</summary>
    private ReadOnlySpan<Half> Copy(int slot) => _copies.Row(slot);

    /// <summary>Releases the mapping of an index read from a file.</summary>
    public void Dispose() => _copies.Dispose();
}
