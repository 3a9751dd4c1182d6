using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace ArcFaceKit.Search;

/// <summary>
/// The half-precision copies an <see cref="Int8FaceIndex"/> re-scores from, one row a slot: in memory, or, for an
/// index read from a file, the file's rows mapped copy-on-write, so they stay in the page cache (reclaimable, shared,
/// read only for the few candidates a query re-scores) rather than in the process's own memory. A row written after
/// the mapping lands in a private page; rows past the mapped ones live in memory.
/// </summary>
internal sealed unsafe class HalfCopies : IDisposable
{
    private readonly int _dimension;
    private readonly MappedRegion? _region;
    private readonly Half* _mapped;
    private readonly int _mappedRows;
    private Half[] _memory;

    public HalfCopies(int dimension, int capacity)
    {
        _dimension = dimension;
        _memory = new Half[dimension * Math.Max(1, capacity)];
    }

    private HalfCopies(int dimension, int rows, MappedRegion region)
    {
        _dimension = dimension;
        _region = region;
        _mappedRows = rows;
        _mapped = (Half*)region.Start;
        _memory = new Half[dimension * 16];
    }

    /// <summary>Rows held (mapped and in memory).</summary>
    public int Capacity => _mappedRows + (_memory.Length / _dimension);

    /// <summary>Whether rows come from a mapped file.</summary>
    public bool Mapped => _mappedRows > 0;

    public Span<Half> Row(int slot) => slot < _mappedRows
        ? new Span<Half>(_mapped + ((long)slot * _dimension), _dimension)
        : _memory.AsSpan((slot - _mappedRows) * _dimension, _dimension);

    public void Grow() => Array.Resize(ref _memory, _memory.Length * 2);

    /// <summary>
    /// The <paramref name="rows"/> rows that start at the stream's position, mapped from its file when it is one and
    /// <paramref name="map"/> is set (the stream is moved past them), else read into memory.
    /// </summary>
    public static HalfCopies Read(Stream stream, int rows, int dimension, int capacity, bool map = true)
    {
        long bytes = (long)rows * dimension * sizeof(ushort);
        // Not on Windows, where a mapped file can be neither deleted nor replaced (writers do both to the index file).
        if (map && stream is FileStream file && rows > 0 && stream.Position + bytes <= stream.Length && !OperatingSystem.IsWindows())
        {
            long offset = stream.Position;
            stream.Seek(bytes, SeekOrigin.Current);
            return new HalfCopies(dimension, rows, new MappedRegion(file, offset, bytes, MemoryMappedFileAccess.CopyOnWrite));
        }

        var copies = new HalfCopies(dimension, capacity);
        stream.ReadExactly(MemoryMarshal.AsBytes(copies._memory.AsSpan(0, rows * dimension)));
        return copies;
    }

    public void Write(Stream stream, int rows)
    {
        for (int slot = 0; slot < rows; slot++)
        {
            stream.Write(MemoryMarshal.AsBytes(Row(slot)));
        }
    }

    public void Dispose() => _region?.Dispose();
}
