namespace ArcFaceKit.Search;

/// <summary>
/// The best scores seen so far and their slots, up to a capacity: a binary min-heap on two plain arrays, so the worst
/// kept is at hand for the scan's one-compare rejection and an insertion is a short sift without comparer calls (the
/// general PriorityQueue cost as much as the dot products in a batch scan, measured in a harness).
/// </summary>
internal sealed class TopScores(int capacity)
{
    private readonly float[] _scores = new float[capacity];
    private readonly int[] _slots = new int[capacity];

    /// <summary>The lowest score kept once full; below that, everything is kept (negative infinity).</summary>
    public float Worst { get; private set; } = float.NegativeInfinity;

    public int Count { get; private set; }

    /// <summary>Keeps the slot when it scores above <see cref="Worst"/>, dropping the worst kept when full.</summary>
    public void Offer(int slot, float score)
    {
        if (score <= Worst)
        {
            return;
        }

        if (Count < capacity)
        {
            int at = Count++;
            while (at > 0)
            {
                int parent = (at - 1) >> 1;
                if (_scores[parent] <= score)
                {
                    break;
                }

                at = Move(parent, at);
            }

            Place(at, slot, score);
        }
        else
        {
            // The root is the worst kept: replace it and sift the new score down to its place.
            int at = 0;
            while (true)
            {
                int child = (2 * at) + 1;
                if (child >= capacity)
                {
                    break;
                }

                if (child + 1 < capacity && _scores[child + 1] < _scores[child])
                {
                    child++;
                }

                if (_scores[child] >= score)
                {
                    break;
                }

                at = Move(child, at);
            }

            Place(at, slot, score);
        }

        if (Count == capacity)
        {
            Worst = _scores[0];
        }
    }

    /// <summary>Moves an entry into the place <paramref name="to"/> and returns the place it left.</summary>
    private int Move(int from, int to)
    {
        _scores[to] = _scores[from];
        _slots[to] = _slots[from];
        return from;
    }

    private void Place(int at, int slot, float score)
    {
        _scores[at] = score;
        _slots[at] = slot;
    }

    /// <summary>What is kept, in no order.</summary>
    public IEnumerable<(int Slot, float Score)> Items()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return (_slots[i], _scores[i]);
        }
    }
}
