namespace ArcFaceKit.IO;

/// <summary>
/// The one way files are written: into NAME.partial beside the target, then renamed over it, so a reader or a
/// killed process never sees half a file.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllLines(string path, IEnumerable<string> lines) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    });

    /// <summary>Calls <paramref name="write"/> with a stream onto the temporary file, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write) => Write(path, write, ownerOnly: false);

    /// <summary>
    /// Calls <paramref name="write"/> with a stream onto the temporary file, flushes it to the disk, then renames it over
    /// <paramref name="path"/>; <paramref name="ownerOnly"/> creates it readable by its owner only (biometric data).
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool ownerOnly)
    {
        ArgumentNullException.ThrowIfNull(write);

        // The one implementation is the asynchronous one; a synchronous writer completes it without ever waiting.
        WriteAsync(path, stream =>
        {
            write(stream);
            return Task.CompletedTask;
        }, ownerOnly).GetAwaiter().GetResult();
    }

    /// <summary>As <see cref="Write(string, Action{Stream}, bool)"/>, for a writer that awaits (a folder analysed as it is written out).</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, bool ownerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temp = path + ".partial";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 1 << 20 };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                await write(stream).ConfigureAwait(false);
                if (stream.CanWrite)
                {
                    stream.Flush(flushToDisk: true);   // a writer that closed the stream has already handed its bytes to the system
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
