using ArcFaceKit.Recognition;
using ArcFaceKit.Search;
using Microsoft.Data.Sqlite;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Opens a gallery in one SQLite file (WAL, synchronous=FULL, secure_delete): the CLI's <c>--gallery</c> file and
/// the server's default store are the same format, so a gallery made by one is served by the other. Search runs in
/// memory (exact up to <see cref="GalleryIndexOptions.ApproximateFrom"/> faces), loaded at open from the index file
/// beside the database (FILE-index) when it is current, else from the database, and kept in step with commits made by
/// other processes on the same file.
/// Galleries of earlier schemas (the CLI's and the server's of version 1) are migrated in place, in one transaction.
/// </summary>
public static class SqliteGallery
{
    /// <summary>
    /// Opens or creates the gallery pinned to <paramref name="model"/> (with a null model, for keys and audit only),
    /// searching in memory as <paramref name="index"/> says (null: <see cref="GalleryIndexOptions.Default"/>).
    /// </summary>
    public static async Task<IFaceGallery> OpenAsync(string path, ModelIdentity? model, GalleryIndexOptions? index = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SqliteDialect dialect;
        try
        {
            dialect = SqliteDialect.Open(path);
        }
        catch (SqliteException e)
        {
            throw new GalleryException(GalleryError.Invalid, $"{path}: not a usable gallery database ({e.Message}).", e);
        }

        // Plain sealing: erasure overwrites the bytes in place (secure_delete, WAL truncated). The index file lies beside
        // the database, as SQLite's own -wal and -shm files do.
        return await FaceGallery.OpenAsync(dialect, SubjectSealing.Plain, path + "-index", index ?? GalleryIndexOptions.Default, model, cancellationToken).ConfigureAwait(false);
    }
}
