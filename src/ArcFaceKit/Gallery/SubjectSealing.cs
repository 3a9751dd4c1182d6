using System.Runtime.InteropServices;

namespace ArcFaceKit.Gallery;

/// <summary>
/// How a gallery protects each subject's biometric bytes (embeddings, templates, crops) at rest. SQLite keeps them
/// plain: its erasure overwrites them in place (secure_delete, WAL truncated). PostgreSQL keeps copies of deleted rows
/// it cannot be made to overwrite (free space, WAL), so there every subject's bytes are sealed with the subject's own
/// key, and erasure destroys the key (<see cref="KeyRingSealing"/>).
/// </summary>
internal abstract class SubjectSealing
{
    /// <summary>The bytes as stored for the subject (an empty input stays empty: no crop kept).</summary>
    public abstract byte[] Seal(long subjectId, ReadOnlySpan<byte> plain);

    /// <summary>The plain bytes; <see cref="SubjectErasedException"/> when the subject's key is gone (an erasure in progress).</summary>
    public abstract byte[] Open(long subjectId, byte[] stored);

    /// <summary>An embedding or template as stored for its subject: little-endian floats, sealed.</summary>
    public byte[] SealFloats(long subjectId, float[] values) => Seal(subjectId, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>The floats <see cref="SealFloats"/> stored.</summary>
    public float[] OpenFloats(long subjectId, byte[] stored) => MemoryMarshal.Cast<byte, float>(Open(subjectId, stored)).ToArray();

    /// <summary>Destroys every key of the subject: from now on nothing sealed for it can be opened. Called before an erasure commits.</summary>
    public virtual Task ForgetAsync(long subjectId) => Task.CompletedTask;

    /// <summary>
    /// Starts a new key for the subject; what is sealed from now on uses it. The caller re-seals the subject's remaining
    /// bytes in its transaction and, once that commits, calls <see cref="ForgetOlderAsync"/>, so one deleted face's bytes
    /// left in the database's files can no longer be opened. False when this sealing has no keys.
    /// </summary>
    public virtual Task<bool> RenewAsync(long subjectId) => Task.FromResult(false);

    /// <summary>Destroys the subject's keys older than its newest.</summary>
    public virtual Task ForgetOlderAsync(long subjectId) => Task.CompletedTask;

    /// <summary>No protection at rest: the stored bytes are the plain bytes.</summary>
    public static SubjectSealing Plain { get; } = new PlainSealing();

    private sealed class PlainSealing : SubjectSealing
    {
        public override byte[] Seal(long subjectId, ReadOnlySpan<byte> plain) => plain.ToArray();

        public override byte[] Open(long subjectId, byte[] stored) => stored;
    }
}

/// <summary>Stored bytes of a subject whose key was destroyed: what an erasure leaves behind until its rows are gone.</summary>
internal sealed class SubjectErasedException(long subjectId) : Exception($"The keys of subject #{subjectId} are destroyed.")
{
    public long SubjectId { get; } = subjectId;
}
