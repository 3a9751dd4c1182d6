using ArcFaceKit.Gallery;

namespace ArcFaceKit.Tests;

/// <summary>The PostgreSQL store's per-subject keys: sealed bytes open only with their subject's live key, and destroyed keys are gone from the file.</summary>
public sealed class KeyRingSealingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-keys-").FullName;

    private string KeyFile => Path.Combine(_folder, "keys.bin");

    [Fact]
    public async Task Sealed_bytes_open_with_their_subjects_key_and_never_after_it_is_destroyed()
    {
        byte[] plain = [.. Enumerable.Range(0, 512).Select(i => (byte)i)];
        byte[] sealedFor7;
        using (var keys = KeyRingSealing.Open(KeyFile))
        {
            await keys.BindAsync("gallery-a", "test");
            sealedFor7 = keys.Seal(7, plain);
            Assert.Equal(-1, sealedFor7.AsSpan().IndexOf(plain.AsSpan(100, 32)));
            Assert.Equal(plain, keys.Open(7, sealedFor7));
            keys.Seal(8, [9]);
            Assert.Throws<GalleryException>(() => keys.Open(8, sealedFor7));          // bound to its subject: 8's key does not open it
            Assert.Empty(keys.Seal(7, []));
        }

        // Another process (here: another instance) reads the same file.
        using (var again = KeyRingSealing.Open(KeyFile))
        {
            Assert.Equal(plain, again.Open(7, sealedFor7));
            await Assert.ThrowsAsync<GalleryException>(() => again.BindAsync("gallery-b", "test"));
            await again.ForgetAsync(7);
            Assert.Throws<SubjectErasedException>(() => again.Open(7, sealedFor7));
        }

        using var reopened = KeyRingSealing.Open(KeyFile);
        Assert.Throws<SubjectErasedException>(() => reopened.Open(7, sealedFor7));
    }

    [Fact]
    public async Task A_reader_finds_keys_another_process_appends_counts_its_own_once_and_a_miss_reads_the_whole_file_before_calling_a_subject_erased()
    {
        using var writer = KeyRingSealing.Open(KeyFile);
        await writer.BindAsync("gallery-a", "test");
        using var reader = KeyRingSealing.Open(KeyFile);
        for (int subject = 1; subject <= 50; subject++)
        {
            byte[] sealedBytes = writer.Seal(subject, [(byte)subject]);
            Assert.Equal([(byte)subject], reader.Open(subject, sealedBytes));   // appended after the reader's last read: read from there
        }

        byte[] own = reader.Seal(100, [1]);                                      // appended by the reader itself, then read again
        Assert.Equal([1], writer.Open(100, own));
        Assert.Empty(reader.SubjectsWithOlderKeys());
        Assert.True(await reader.RenewAsync(100));
        Assert.Equal([100L], reader.SubjectsWithOlderKeys());

        // Made and destroyed by the other process before the reader looked: its record is zeros, so after reading the
        // new records and then the whole file the reader finds no key, and the subject is erased.
        byte[] late = writer.Seal(200, [2]);
        await writer.ForgetAsync(200);
        Assert.Throws<SubjectErasedException>(() => reader.Open(200, late));
    }

    [Fact]
    public async Task Renewing_a_key_keeps_the_old_one_until_it_is_forgotten_and_a_crash_left_over_is_cleaned()
    {
        using var keys = KeyRingSealing.Open(KeyFile);
        await keys.BindAsync("gallery-a", "test");
        byte[] old = keys.Seal(3, [1, 2, 3]);
        byte[] fileBefore = File.ReadAllBytes(KeyFile);
        Assert.True(await keys.RenewAsync(3));
        byte[] renewed = keys.Seal(3, [1, 2, 3]);
        Assert.Equal((0, 1), (KeyRingSealing.GenerationOf(old), KeyRingSealing.GenerationOf(renewed)));
        Assert.Equal([1, 2, 3], keys.Open(3, old));                  // still open: the re-sealing has not committed yet
        Assert.Equal([3L], keys.SubjectsWithOlderKeys());

        // As after a crash between the re-sealing's commit and the clean-up: the oldest key in use is generation 1.
        await keys.ForgetBelowAsync(3, 1);
        Assert.Throws<SubjectErasedException>(() => keys.Open(3, old));
        Assert.Equal([1, 2, 3], keys.Open(3, renewed));
        Assert.Empty(keys.SubjectsWithOlderKeys());

        // The old key's bytes are overwritten in the file, not just marked.
        byte[] oldKey = fileBefore.AsSpan(fileBefore.Length - 32, 32).ToArray();
        Assert.Equal(-1, File.ReadAllBytes(KeyFile).AsSpan().IndexOf(oldKey));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
