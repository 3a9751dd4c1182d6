namespace ArcFaceKit.Search;

/// <summary>
/// The ids of an index's contiguous slots: a new id takes the next slot, and removing one moves the last slot into its
/// hole, so the index's storage stays one dense block that a scan reads front to back.
/// </summary>
internal sealed class SlotIds
{
    private readonly Dictionary<long, int> _slotOf;
    private readonly List<long> _ids;

    public SlotIds(int capacity = 0)
    {
        _slotOf = new Dictionary<long, int>(capacity);
        _ids = new List<long>(capacity);
    }

    public int Count => _ids.Count;

    public long this[int slot] => _ids[slot];

    /// <summary>Every id, in slot order.</summary>
    public ReadOnlySpan<long> All => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);

    public bool TryGetSlot(long id, out int slot) => _slotOf.TryGetValue(id, out slot);

    /// <summary>The id's slot, taking the next one for a new id.</summary>
    public int SlotOf(long id)
    {
        if (!_slotOf.TryGetValue(id, out int slot))
        {
            slot = _ids.Count;
            _ids.Add(id);
            _slotOf[id] = slot;
        }

        return slot;
    }

    /// <summary>Frees the id's slot; the caller then moves slot <paramref name="last"/>'s data into <paramref name="hole"/> when they differ.</summary>
    public bool Remove(long id, out int hole, out int last)
    {
        last = _ids.Count - 1;
        if (!_slotOf.Remove(id, out hole))
        {
            return false;
        }

        if (hole != last)
        {
            _ids[hole] = _ids[last];
            _slotOf[_ids[hole]] = hole;
        }

        _ids.RemoveAt(last);
        return true;
    }

    /// <summary>Refuses a vector of the wrong length with a message that says both lengths.</summary>
    public static void CheckLength(ReadOnlySpan<float> vector, int dimension, string what)
    {
        if (vector.Length != dimension)
        {
            throw new ArgumentException($"This index holds {dimension}-d vectors; {what} is {vector.Length}-d.", what == "the query" ? "query" : "vector");
        }
    }
}
