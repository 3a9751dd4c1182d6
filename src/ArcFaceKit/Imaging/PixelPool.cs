namespace ArcFaceKit.Imaging;

/// <summary>
/// RGB pixel arrays lent to decoded photos and taken back when they are let go, reused by exact length (an
/// <see cref="RgbImage"/>'s array is exactly its size). A large photo's array lives on the large-object heap, which only
/// a full collection frees, and the collector puts those off while memory looks plentiful: decoding the next photo into
/// the array the last one gave back keeps memory flat without forcing collections. The arrays it holds, lent and idle
/// together, stay within <paramref name="capacity"/> pixels (the decoding budget): to make room for a new length the
/// least recently returned idle arrays are dropped to the collector. Thread-safe.
/// </summary>
internal sealed class PixelPool(long capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<byte[]> _idle = [];   // most recently returned first
    private long _idlePixels, _lentPixels;

    /// <summary>
    /// An array of <paramref name="length"/> bytes, with whatever an earlier photo left in it: the decoder writes every
    /// byte (each row packed, or cleared below where a truncated file ends), so none of another photo's pixels can show.
    /// </summary>
    public byte[] Rent(int length)
    {
        lock (_lock)
        {
            _lentPixels += length / 3;
            for (var node = _idle.First; node is not null; node = node.Next)
            {
                if (node.Value.Length == length)
                {
                    _idle.Remove(node);
                    _idlePixels -= length / 3;
                    return node.Value;
                }
            }

            Trim();
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Takes back an array from <see cref="Rent"/>; the caller must not touch it again.</summary>
    public void Return(byte[] pixels)
    {
        lock (_lock)
        {
            _lentPixels -= pixels.Length / 3;
            _idle.AddFirst(pixels);
            _idlePixels += pixels.Length / 3;
            Trim();
        }
    }

    /// <summary>Drops the least recently returned idle arrays while the pool holds more than its capacity. Called under the lock.</summary>
    private void Trim()
    {
        while (_idle.Last is { } oldest && _idlePixels + _lentPixels > capacity)
        {
            _idle.RemoveLast();
            _idlePixels -= oldest.Value.Length / 3;
        }
    }
}
