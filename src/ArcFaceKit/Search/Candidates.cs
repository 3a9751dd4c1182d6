namespace ArcFaceKit.Search;

/// <summary>
/// One query's candidates in one part of an approximate scan: every slot whose approximate score is at least the k-th
/// best seen so far less <paramref name="margin"/>. With the margin twice the approximation's error bound, the true top k
/// are always among them (each of the k best approximate scores is within one bound of its exact score, so the k-th
/// exact score is at least the k-th approximate less one bound, and a true top-k vector's approximate score at most one
/// bound below that), so one pass proves the answer instead of widening a fixed-size list and scanning again.
/// </summary>
internal sealed class Candidates(int k, float margin)
{
    private readonly TopScores _best = new(k);
    private int[] _slots = new int[Math.Max(64, 4 * k)];
    private float[] _scores = new float[Math.Max(64, 4 * k)];

    /// <summary>Scores below this cannot be in the top k (negative infinity until k are kept).</summary>
    public float Threshold { get; private set; } = float.NegativeInfinity;

    public int Count { get; private set; }

    /// <summary>The best scores offered, for finding the k-th best across parts.</summary>
    public IEnumerable<float> BestScores() => _best.Items().Select(x => x.Score);

    public void Offer(int slot, float score)
    {
        if (score < Threshold)
        {
            return;
        }

        _best.Offer(slot, score);
        Threshold = _best.Worst - margin;
        if (Count == _slots.Length)
        {
            Compact();
        }

        _slots[Count] = slot;
        _scores[Count++] = score;
    }

    /// <summary>The slots kept that score at least <paramref name="threshold"/>, with their scores.</summary>
    public IEnumerable<(int Slot, float Score)> Above(float threshold)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_scores[i] >= threshold)
            {
                yield return (_slots[i], _scores[i]);
            }
        }
    }

    /// <summary>Drops what the risen threshold rules out; grows when most of it still stands.</summary>
    private void Compact()
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (_scores[i] >= Threshold)
            {
                _slots[kept] = _slots[i];
                _scores[kept++] = _scores[i];
            }
        }

        Count = kept;
        if (kept > _slots.Length / 2)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _scores, _scores.Length * 2);
        }
    }
}
