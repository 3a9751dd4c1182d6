using System.IO.MemoryMappedFiles;

namespace ArcFaceKit.Search;

/// <summary>
/// A region of an open file mapped into memory, with a pointer to its first byte, for as long as it is not disposed:
/// the half-precision copies (copy-on-write) and a saved HNSW graph (read-only) of an index read from its file.
/// </summary>
internal sealed unsafe class MappedRegion : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    public MappedRegion(FileStream file, long offset, long length, MemoryMappedFileAccess access)
    {
        // The stream's own file, not its path: another process may have replaced the file since it was opened.
        _map = MemoryMappedFile.CreateFromFile(file, null, 0, access, HandleInheritability.None, leaveOpen: true);
        try
        {
            _view = _map.CreateViewAccessor(offset, length, access);
            byte* start = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            Start = start + _view.PointerOffset;
            Length = length;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
    }

    public byte* Start { get; }

    public long Length { get; }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
