using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Each subject's bytes sealed with AES-256-GCM under a key of its own, the keys kept in a file beside the database
/// (never in it: a database keeps copies of deleted rows that cannot be overwritten, a plain file can be). Erasure
/// overwrites the subject's key records with zeros and syncs the file, after which the sealed bytes the database may
/// still hold anywhere (free space, WAL, backups taken later) cannot be opened.
/// File: fixed 48-byte records (subject id, key generation, live flag, 32-byte key; one header record naming the
/// gallery it belongs to), 0600, shared by every process of the gallery (a POSIX record lock and a per-path lock in this process serialise changes; on a miss a reader reads the records
/// appended since its last read, and the whole file before it calls a subject erased).
/// </summary>
internal sealed class KeyRingSealing : SubjectSealing, IDisposable
{
    private const int RecordSize = 48;
    private const byte Version = 1;
    private const int HeaderSize = 1 + 4 + 12 + 16;
    private const int LiveFlag = 1;
    private const int HeaderFlag = 2;
    private static readonly ConcurrentDictionary<string, Lock> PathLocks = new(StringComparer.Ordinal);

    private readonly FileStream _file;
    private readonly Lock _lock;
    private Dictionary<long, List<(int Generation, long Offset, byte[] Key)>> _keys = [];
    private long _read;   // bytes of the file in _keys
    private string? _gallery;

    private KeyRingSealing(FileStream file, Lock pathLock)
    {
        _file = file;
        _lock = pathLock;
        lock (_lock)
        {
            Reload(full: true);
        }
    }

    public string Path => _file.Name;

    public static KeyRingSealing Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var file = new FileStream(full, options);
            if (file.Length % RecordSize != 0)
            {
                file.Dispose();
                throw new GalleryException(GalleryError.Invalid, $"{full} is not a gallery key file (its size is not a whole number of records).");
            }

            return new KeyRingSealing(file, PathLocks.GetOrAdd(full, _ => new Lock()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GalleryException(GalleryError.Invalid, $"Cannot open the gallery key file {full}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Ties the file to one gallery (its id, from the database): a new file takes the id, a file of another gallery is
    /// refused, so two galleries can never share keys by a mistaken path.
    /// </summary>
    public Task BindAsync(string galleryId, string where) => Change(() =>
    {
        if (_gallery is null)
        {
            var record = new byte[RecordSize];
            BinaryPrimitives.WriteInt64LittleEndian(record, -1);
            BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), HeaderFlag);
            System.Text.Encoding.ASCII.GetBytes(galleryId).CopyTo(record.AsSpan(16));
            _file.Seek(_file.Length, SeekOrigin.Begin);
            _file.Write(record);
            _gallery = galleryId;
        }
        else if (_gallery != galleryId)
        {
            throw new GalleryException(GalleryError.Invalid, $"The key file {Path} belongs to another gallery than {where}: give each gallery its own key file.");
        }
    });

    public override byte[] Seal(long subjectId, ReadOnlySpan<byte> plain)
    {
        if (plain.IsEmpty)
        {
            return [];
        }

        var (generation, key) = Newest(subjectId) ?? Create(subjectId);
        var sealedBytes = new byte[HeaderSize + plain.Length];
        sealedBytes[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(sealedBytes.AsSpan(1), generation);
        var nonce = sealedBytes.AsSpan(5, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(HeaderSize), sealedBytes.AsSpan(17, 16), Context(subjectId));
        return sealedBytes;
    }

    public override byte[] Open(long subjectId, byte[] stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Length == 0)
        {
            return [];
        }

        if (stored.Length < HeaderSize || stored[0] != Version)
        {
            throw new GalleryException(GalleryError.Invalid, $"Sealed bytes of subject #{subjectId} are not in a format this version reads.");
        }

        int generation = BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1));
        byte[] key = Find(subjectId, generation) ?? throw new SubjectErasedException(subjectId);
        var plain = new byte[stored.Length - HeaderSize];
        using var aes = new AesGcm(key, 16);
        try
        {
            aes.Decrypt(stored.AsSpan(5, 12), stored.AsSpan(HeaderSize), stored.AsSpan(17, 16), plain, Context(subjectId));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new GalleryException(GalleryError.Invalid, $"Sealed bytes of subject #{subjectId} do not open with its key: the database and the key file {Path} do not belong together.", e);
        }

        return plain;
    }

    public override Task ForgetAsync(long subjectId) => Change(() => Zero(subjectId, int.MaxValue));

    public override Task<bool> RenewAsync(long subjectId) => Change(() =>
    {
        int next = _keys.TryGetValue(subjectId, out var list) && list.Count > 0 ? list.Max(k => k.Generation) + 1 : 0;
        Append(subjectId, next);
        return true;
    });

    public override Task ForgetOlderAsync(long subjectId) => Change(() =>
    {
        if (_keys.TryGetValue(subjectId, out var list) && list.Count > 0)
        {
            Zero(subjectId, list.Max(k => k.Generation));
        }
    });

    /// <summary>After a crash between a re-keying commit and its clean-up: destroys keys older than the oldest one the subject's stored bytes use.</summary>
    public Task ForgetBelowAsync(long subjectId, int oldestInUse) => Change(() => Zero(subjectId, oldestInUse));

    /// <summary>The generation a sealed value was made with (for the clean-up above).</summary>
    public static int GenerationOf(byte[] stored) => stored.Length >= HeaderSize ? BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1)) : int.MaxValue;

    /// <summary>Subjects with more than one live key (a re-keying whose clean-up may not have run).</summary>
    public IReadOnlyList<long> SubjectsWithOlderKeys()
    {
        lock (_lock)
        {
            return [.. _keys.Where(k => k.Value.Count > 1).Select(k => k.Key)];
        }
    }

    public void Dispose() => _file.Dispose();

    private static byte[] Context(long subjectId)
    {
        var context = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(context, subjectId);
        return context;
    }

    private (int Generation, byte[] Key)? Newest(long subjectId)
    {
        lock (_lock)
        {
            if (!_keys.ContainsKey(subjectId))
            {
                Reload();
            }

            if (!_keys.TryGetValue(subjectId, out var list) || list.Count == 0)
            {
                return null;
            }

            var newest = list.MaxBy(k => k.Generation);
            return (newest.Generation, newest.Key);
        }
    }

    private (int Generation, byte[] Key) Create(long subjectId)
    {
        Change(() =>
        {
            if (!_keys.ContainsKey(subjectId))
            {
                Append(subjectId, 0);
            }
        }).GetAwaiter().GetResult();
        return Newest(subjectId) ?? throw new InvalidOperationException("A key just written is missing.");
    }

    private byte[]? Find(long subjectId, int generation)
    {
        lock (_lock)
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                if (_keys.TryGetValue(subjectId, out var list) && list.FirstOrDefault(k => k.Generation == generation) is { Key: { } key })
                {
                    return key;
                }

                // Another process may have written it: its new records first, then, before calling it erased, the whole file.
                Reload(full: attempt == 1);
            }

            return null;
        }
    }

    /// <summary>Runs a change of the file under this process's lock and a record lock on the whole file, from a fresh read.</summary>
    private Task Change(Action change) => Change(() =>
    {
        change();
        return true;
    });

    private Task<T> Change<T>(Func<T> change)
    {
        lock (_lock)
        {
            LockFile();
            try
            {
                Reload();
                var result = change();
                _file.Flush(flushToDisk: true);
                return Task.FromResult(result);
            }
            finally
            {
                if (!OperatingSystem.IsMacOS())
                {
                    _file.Unlock(0, long.MaxValue);
                }
            }
        }
    }

    private void LockFile()
    {
        if (OperatingSystem.IsMacOS())
        {
            return;   // .NET has no record locks there: one process per key file on macOS
        }

        for (var clock = System.Diagnostics.Stopwatch.StartNew(); ; Thread.Sleep(5))
        {
            try
            {
                _file.Lock(0, long.MaxValue);
                return;
            }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                // another process is changing the file
            }
        }
    }

    private void Append(long subjectId, int generation)
    {
        var record = new byte[RecordSize];
        BinaryPrimitives.WriteInt64LittleEndian(record, subjectId);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), generation);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), LiveFlag);
        RandomNumberGenerator.Fill(record.AsSpan(16));
        long offset = _file.Length;
        _file.Seek(offset, SeekOrigin.Begin);
        _file.Write(record);
        Add(_keys, subjectId, generation, offset, record.AsSpan(16).ToArray());
    }

    /// <summary>Overwrites the subject's key records of generations below <paramref name="below"/> with zeros, in place.</summary>
    private void Zero(long subjectId, int below)
    {
        if (!_keys.TryGetValue(subjectId, out var list))
        {
            return;
        }

        var zeros = new byte[RecordSize];
        foreach (var (generation, offset, key) in list.Where(k => k.Generation < below).ToList())
        {
            _file.Seek(offset, SeekOrigin.Begin);
            _file.Write(zeros);
            CryptographicOperations.ZeroMemory(key);
            list.RemoveAll(k => k.Offset == offset);
        }

        if (list.Count == 0)
        {
            _keys.Remove(subjectId);
        }
    }

    /// <summary>
    /// Reads the file into the keys: all of it, or only the records appended since the last read (keys are only ever
    /// appended; erasures overwrite records in place, which only a full read sees). A reader catching up on thousands
    /// of new subjects, or a writer creating a key under the file lock, then parses a record or two, not the whole file.
    /// </summary>
    private void Reload(bool full = false)
    {
        long length = _file.Length;
        full |= length < _read;
        var keys = full ? [] : _keys;
        long from = full ? 0 : _read;
        var data = new byte[(length - from) / RecordSize * RecordSize];
        int got = data.Length == 0 ? 0 : RandomAccess.Read(_file.SafeFileHandle, data, from);
        for (int at = 0; at + RecordSize <= got; at += RecordSize)
        {
            var record = data.AsSpan(at, RecordSize);
            switch (BinaryPrimitives.ReadInt32LittleEndian(record[12..]))
            {
                case LiveFlag:
                    Add(keys, BinaryPrimitives.ReadInt64LittleEndian(record), BinaryPrimitives.ReadInt32LittleEndian(record[8..]), from + at, record[16..].ToArray());
                    break;
                case HeaderFlag:
                    _gallery = System.Text.Encoding.ASCII.GetString(record.Slice(16, 32)).TrimEnd('\0');
                    break;
            }
        }

        _keys = keys;
        _read = from + (got / RecordSize * RecordSize);
    }

    private static void Add(Dictionary<long, List<(int Generation, long Offset, byte[] Key)>> keys, long subjectId, int generation, long offset, byte[] key)
    {
        if (!keys.TryGetValue(subjectId, out var list))
        {
            keys[subjectId] = list = [];
        }

        if (!list.Exists(k => k.Offset == offset))   // a record this process appended itself is read again after it
        {
            list.Add((generation, offset, key));
        }
    }
}
