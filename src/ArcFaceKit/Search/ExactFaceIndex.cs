using System.Numerics.Tensors;

namespace ArcFaceKit.Search;

/// <summary>Exact search: every stored vector is scored (SIMD dot products over one contiguous array). Not thread-safe for writes.</summary>
internal sealed class ExactFaceIndex(int dimension) : IFaceIndex
{
    private readonly SlotIds _ids = new();
    private float[] _vectors = new float[dimension * 16];

    public int Dimension { get; } = dimension;

    public int Count => _ids.Count;

    public void Upsert(long id, ReadOnlySpan<float> vector)
    {
        SlotIds.CheckLength(vector, Dimension, "the vector");
        int slot = _ids.SlotOf(id);
        if ((slot + 1) * Dimension > _vectors.Length)
        {
            Array.Resize(ref _vectors, _vectors.Length * 2);
        }

        vector.CopyTo(_vectors.AsSpan(slot * Dimension, Dimension));
    }

    public bool Remove(long id)
    {
        if (!_ids.Remove(id, out int hole, out int last))
        {
            return false;
        }

        _vectors.AsSpan(last * Dimension, Dimension).CopyTo(_vectors.AsSpan(hole * Dimension, Dimension));
        return true;
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        SlotIds.CheckLength(query, Dimension, "the query");
        k = Math.Min(k, Count);
        if (k <= 0)
        {
            return [];
        }

        // Min-heap of the best k so far.
        var heap = new PriorityQueue<int, float>(k + 1);
        var vectors = _vectors.AsSpan();
        for (int slot = 0; slot < _ids.Count; slot++)
        {
            float s = TensorPrimitives.Dot(vectors.Slice(slot * Dimension, Dimension), query);
            if (heap.Count < k)
            {
                heap.Enqueue(slot, s);
            }
            else if (heap.TryPeek(out _, out float worst) && s > worst)
            {
                heap.DequeueEnqueue(slot, s);
            }
        }

        var hits = new SearchHit[heap.Count];
        for (int i = hits.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out int slot, out float s);
            hits[i] = new SearchHit(_ids[slot], s);
        }

        return hits;
    }
}
