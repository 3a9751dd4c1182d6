using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ArcFaceKit.Search;

/// <summary>
/// Exact search that reads a quarter of the bytes: the scan reads each vector as 8-bit codes (one scale a vector,
/// x ~ scale * code, |error| at most scale / 2 a component), keeps as candidates every vector whose approximate score is
/// within twice the approximation's error bound of the k-th best, which provably holds the true top k, and re-scores
/// them from half-precision copies, so the ranking is the half-precision one, in one pass. Large indexes are scanned
/// on every core, and batches of queries in one pass. 3 bytes a dimension (1 for the codes the scan reads, 2 for the
/// copies it re-scores from); read from a file, the copies stay mapped from it (<see cref="HalfCopies"/>), so 1 byte a
/// dimension is the process's own. Not thread-safe for writes.
/// </summary>
internal sealed class Int8FaceIndex : IFaceIndex, IDisposable
{
    private const int ParallelFrom = 16_384;

    // Queries scanned together: their codes (32 KB at 512-d) stay in the core's caches while each stored vector is read once.
    private const int Block = 64;

    private readonly SlotIds _ids;
    private readonly int _stride;
    private readonly int _threads;
    private byte[] _codes;
    private float[] _scales;
    private HalfCopies _copies;
    private float _largestScale;

    /// <param name="dimension">The vectors' length.</param>
    /// <param name="threads">Cores a large scan is split over; 0: every core.</param>
    public Int8FaceIndex(int dimension, int threads = 0)
        : this(dimension, threads, capacity: 16)
    {
    }

    /// <summary>Room for <paramref name="capacity"/> vectors; the copies are those given (read with the index) or room in memory.</summary>
    private Int8FaceIndex(int dimension, int threads, int capacity, HalfCopies? copies = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Dimension = dimension;
        _ids = new SlotIds(capacity);
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        _stride = Stride(dimension);
        _codes = new byte[_stride * capacity];
        _scales = new float[capacity];
        _copies = copies ?? new HalfCopies(dimension, capacity);
    }

    public int Dimension { get; }

    public int Count => _ids.Count;

    /// <summary>Whether the half-precision copies are mapped from the file the index was read from.</summary>
    internal bool CopiesMapped => _copies.Mapped;

    public void Upsert(long id, ReadOnlySpan<float> vector)
    {
        SlotIds.CheckLength(vector, Dimension, "the vector");
        int slot = _ids.SlotOf(id);
        if (slot == _scales.Length)
        {
            Array.Resize(ref _codes, _codes.Length * 2);
            Array.Resize(ref _scales, _scales.Length * 2);
        }

        if (slot == _copies.Capacity)
        {
            _copies.Grow();
        }

        float scale = Quantize(vector, _codes.AsSpan(slot * _stride, _stride), bias: 128);
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

        Span<float> buffer = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        TensorPrimitives.ConvertToSingle(Copy(slot), buffer);
        return TensorPrimitives.Dot(buffer, query);
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
    internal static Int8FaceIndex Read(BinaryReader reader, int dimension, int threads = 0, bool map = true)
    {
        int stored = reader.ReadInt32(), count = reader.ReadInt32();
        if (stored != dimension || count < 0)
        {
            throw new InvalidDataException($"An index of {stored}-d vectors where {dimension}-d ones were expected.");
        }

        if ((long)count * Stride(dimension) > Array.MaxLength)
        {
            throw new InvalidDataException("The index is too large.");
        }

        var ids = new long[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));

        // The copies before the codes, so they are mapped (or read) where they lie, before the index that holds them exists.
        int capacity = Math.Max(16, count);
        var index = new Int8FaceIndex(dimension, threads, capacity, HalfCopies.Read(reader.BaseStream, count, dimension, capacity, map));
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
            var block = queries.Skip(start).Take(Block).Select(Encode).ToArray();
            var candidates = Scan(block, k);
            int offset = start;
            Parallel.For(0, block.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i =>
                results[offset + i] = Rescore(candidates[i], block[i], k));
        }

        return results;
    }

    /// <summary>A query as the scan reads it: codes, their sum, scale, its error bound, the exact vector.</summary>
    private sealed record QueryCode(sbyte[] Code, int Sum, float Scale, float Bound, float[] Exact);

    private QueryCode Encode(float[] query)
    {
        var code = new sbyte[_stride];
        float scale = Quantize(query, MemoryMarshal.AsBytes(code.AsSpan()), bias: 0);
        int sum = 0;
        foreach (sbyte c in code)
        {
            sum += c;
        }

        // |approximate - re-scored| for any stored unit vector x (components at most 127 scales): the query's rounding
        // against |x|_1 <= sqrt(d), the vector's against |q|_1, both together, and the half-precision copy's rounding.
        float mass = TensorPrimitives.SumOfMagnitudes(query);
        float bound = (scale / 2 * MathF.Sqrt(Dimension)) + (_largestScale / 2 * mass)
            + (Dimension * scale * _largestScale / 4) + (mass * _largestScale * 127 / 2048);
        return new QueryCode(code, sum, scale, bound, query);
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
            var mine = kept[part] = [.. queries.Select(q => new Candidates(k, 2 * q.Bound))];
            ref byte codes = ref MemoryMarshal.GetArrayDataReference(_codes);
            int slot = from;
            if (AvxVnni.IsSupported && queries.Length >= 2)
            {
                // Eight stored vectors by two queries a step: each load feeds two multiply-adds, sixteen sums are reduced
                // together and eight scores compared with the worst kept in one instruction (a batch is bound by
                // arithmetic, not by reading the codes).
                for (; slot + 8 <= to; slot += 8)
                {
                    ref byte stored = ref Unsafe.Add(ref codes, (nint)slot * _stride);
                    var scales = Vector256.LoadUnsafe(ref _scales[slot]);
                    int q = 0;
                    for (; q + 2 <= queries.Length; q += 2)
                    {
                        var (first, second) = Dot8x2(ref stored, _stride, ref MemoryMarshal.GetArrayDataReference(queries[q].Code), ref MemoryMarshal.GetArrayDataReference(queries[q + 1].Code));
                        Offer8(mine[q], slot, queries[q], first, scales);
                        Offer8(mine[q + 1], slot, queries[q + 1], second, scales);
                    }

                    for (; q < queries.Length; q++)
                    {
                        for (int j = 0; j < 8; j++)
                        {
                            mine[q].Offer(slot + j, Score(ref Unsafe.Add(ref stored, j * _stride), queries[q], slot + j));
                        }
                    }
                }
            }

            for (; slot < to; slot++)
            {
                ref byte stored = ref Unsafe.Add(ref codes, (nint)slot * _stride);
                for (int q = 0; q < queries.Length; q++)
                {
                    mine[q].Offer(slot, Score(ref stored, queries[q], slot));
                }
            }
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

    /// <summary>A stored vector's approximate score for a query (the codes' dot product, unbiased and scaled).</summary>
    private float Score(ref byte stored, QueryCode query, int slot) =>
        (Dot(ref stored, ref MemoryMarshal.GetArrayDataReference(query.Code), _stride) - (128 * query.Sum)) * query.Scale * _scales[slot];

    /// <summary>Offers eight consecutive slots' dot products at once, skipping all eight in one compare when none reaches the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer8(Candidates top, int slot, QueryCode query, Vector256<int> dots, Vector256<float> scales)
    {
        var scores = Vector256.ConvertToSingle(dots - Vector256.Create(128 * query.Sum)) * query.Scale * scales;   // in Score's order, so both paths round alike
        if (Vector256.GreaterThanOrEqualAny(scores, Vector256.Create(top.Threshold)))
        {
            for (int j = 0; j < 8; j++)
            {
                top.Offer(slot + j, scores.GetElement(j));
            }
        }
    }

    /// <summary>The dot products of eight stored vectors (<paramref name="stride"/> bytes apart) with each of two queries, by VNNI.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> First, Vector256<int> Second) Dot8x2(ref byte stored, int stride, ref sbyte first, ref sbyte second)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector256<int> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        nuint step = (nuint)stride;

        // Unrolled by hand: the sixteen accumulators must stay in registers (a loop over arrays of them would not). On one
        // core this tiling runs about 8% faster than two tiles of four by two and 17% faster than four by two offering
        // four scores at a time (a harness over 200,000 x 512-d codes, not kept).
        for (nuint i = 0; i < step; i += 32)
        {
            var y = Vector256.LoadUnsafe(ref first, i);
            var z = Vector256.LoadUnsafe(ref second, i);
            var x = Vector256.LoadUnsafe(ref stored, i);
            (a0, b0) = (AvxVnni.MultiplyWideningAndAdd(a0, x, y), AvxVnni.MultiplyWideningAndAdd(b0, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + step);
            (a1, b1) = (AvxVnni.MultiplyWideningAndAdd(a1, x, y), AvxVnni.MultiplyWideningAndAdd(b1, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (2 * step));
            (a2, b2) = (AvxVnni.MultiplyWideningAndAdd(a2, x, y), AvxVnni.MultiplyWideningAndAdd(b2, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (3 * step));
            (a3, b3) = (AvxVnni.MultiplyWideningAndAdd(a3, x, y), AvxVnni.MultiplyWideningAndAdd(b3, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (4 * step));
            (a4, b4) = (AvxVnni.MultiplyWideningAndAdd(a4, x, y), AvxVnni.MultiplyWideningAndAdd(b4, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (5 * step));
            (a5, b5) = (AvxVnni.MultiplyWideningAndAdd(a5, x, y), AvxVnni.MultiplyWideningAndAdd(b5, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (6 * step));
            (a6, b6) = (AvxVnni.MultiplyWideningAndAdd(a6, x, y), AvxVnni.MultiplyWideningAndAdd(b6, x, z));
            x = Vector256.LoadUnsafe(ref stored, i + (7 * step));
            (a7, b7) = (AvxVnni.MultiplyWideningAndAdd(a7, x, y), AvxVnni.MultiplyWideningAndAdd(b7, x, z));
        }

        return (Sum8(a0, a1, a2, a3, a4, a5, a6, a7), Sum8(b0, b1, b2, b3, b4, b5, b6, b7));
    }

    /// <summary>The sums of eight vectors' lanes, side by side: six horizontal adds, two lane swaps and one add instead of eight full reductions.</summary>
    private static Vector256<int> Sum8(Vector256<int> a0, Vector256<int> a1, Vector256<int> a2, Vector256<int> a3, Vector256<int> a4, Vector256<int> a5, Vector256<int> a6, Vector256<int> a7)
    {
        // Each of these holds the four vectors' sums of their lower 128 bits, then of their upper 128 bits.
        var first = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
        var last = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a4, a5), Avx2.HorizontalAdd(a6, a7));
        return Avx2.Permute2x128(first, last, 0x20) + Avx2.Permute2x128(first, last, 0x31);
    }

    /// <summary>
    /// The top k of the candidates by their half-precision copies, re-scored best approximate score first and stopped once
    /// the next cannot reach the k-th re-scored score (it is within the error bound of its approximate one): most
    /// candidates the scan had to keep are never read again.
    /// </summary>
    private SearchHit[] Rescore(List<(int Slot, float Score)> candidates, QueryCode query, int k)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var vector = new float[Dimension];
        var scored = new List<SearchHit>();
        var best = new TopScores(k);
        foreach (var (slot, approximate) in candidates)
        {
            if (approximate + query.Bound < best.Worst)
            {
                break;
            }

            TensorPrimitives.ConvertToSingle(Copy(slot), vector);
            float similarity = TensorPrimitives.Dot(vector, query.Exact);
            best.Offer(scored.Count, similarity);
            scored.Add(new SearchHit(_ids[slot], similarity));
        }

        return [.. scored.OrderByDescending(h => h.Similarity).ThenBy(h => h.Id).Take(k)];
    }

    /// <summary>Code bytes a vector: the dimension rounded up to whole 32-byte SIMD loads.</summary>
    private static int Stride(int dimension) => (dimension + 31) / 32 * 32;

    /// <summary>A stored vector's half-precision copy.</summary>
    private ReadOnlySpan<Half> Copy(int slot) => _copies.Row(slot);

    /// <summary>Releases the mapping of an index read from a file.</summary>
    public void Dispose() => _copies.Dispose();

    /// <summary>Symmetric 8-bit codes (-127..127, plus <paramref name="bias"/>) and the scale that maps them back.</summary>
    private static float Quantize(ReadOnlySpan<float> vector, Span<byte> codes, int bias)
    {
        float largest = Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        float scale = largest > 0 ? largest / 127 : 1;
        codes.Fill((byte)bias);
        for (int i = 0; i < vector.Length; i++)
        {
            codes[i] = (byte)(Math.Clamp((int)MathF.Round(vector[i] / scale), -127, 127) + bias);
        }

        return scale;
    }

    /// <summary>Sum of unsigned stored codes times signed query codes over <paramref name="length"/> bytes (a multiple of 32): VNNI where the CPU has it, else widening SIMD.</summary>
    private static int Dot(ref byte stored, ref sbyte query, int length)
    {
        if (AvxVnni.IsSupported)
        {
            var sum = Vector256<int>.Zero;
            for (int i = 0; i < length; i += 32)
            {
                sum = AvxVnni.MultiplyWideningAndAdd(sum, Vector256.LoadUnsafe(ref stored, (nuint)i), Vector256.LoadUnsafe(ref query, (nuint)i));
            }

            return Vector256.Sum(sum);
        }

        var total = Vector256<int>.Zero;
        for (int i = 0; i < length; i += 32)
        {
            var (sl, sh) = Vector256.Widen(Vector256.LoadUnsafe(ref stored, (nuint)i));
            var (ql, qh) = Vector256.Widen(Vector256.LoadUnsafe(ref query, (nuint)i));
            var (pl, ph) = Vector256.Widen(sl.AsInt16() * ql);
            var (hl, hh) = Vector256.Widen(sh.AsInt16() * qh);
            total += pl + ph + hl + hh;
        }

        return Vector256.Sum(total);
    }
}
