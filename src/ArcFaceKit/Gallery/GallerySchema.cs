using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>The schema version recorded in meta, which the dialects' migrations start from.</summary>
internal static class GallerySchema
{
    /// <summary>The snapshots table's indexes, the same SQL on both databases: by age (trimming) and by owner (erasure).</summary>
    public const string SnapshotIndexes = """

        CREATE INDEX IF NOT EXISTS snapshots_created ON snapshots(created_utc);
        CREATE INDEX IF NOT EXISTS snapshots_camera ON snapshots(camera_id);
        CREATE INDEX IF NOT EXISTS snapshots_subject ON snapshots(subject_id);
        CREATE INDEX IF NOT EXISTS snapshots_group ON snapshots(group_id);
        """;

    /// <summary>The version the gallery recorded; 0 for a new database or one from before versions were recorded.</summary>
    private static async Task<int> RecordedAsync(DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        string? recorded = await GalleryDb.ScalarAsync<string?>(db, tx, cancellationToken, "SELECT value FROM meta WHERE key = 'schema'").ConfigureAwait(false);
        return recorded is null ? 0 : int.Parse(recorded, CultureInfo.InvariantCulture);
    }

    /// <summary>Checks the schema version recorded in meta (refusing a newer one than this code knows) and records this one.</summary>
    public static async Task CheckOrWriteAsync(string where, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        int version = await RecordedAsync(db, tx, cancellationToken).ConfigureAwait(false);
        if (version > FaceGallery.SchemaVersion)
        {
            throw new GalleryException(GalleryError.Invalid, $"{where} has gallery schema {version}, newer than this version of ArcFaceKit understands ({FaceGallery.SchemaVersion}); upgrade ArcFaceKit.");
        }

        if (version < FaceGallery.SchemaVersion)
        {
            // Migrated by the dialect; recorded so that an older version refuses it rather than misreading it.
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "DELETE FROM meta WHERE key = 'schema'").ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, cancellationToken, "INSERT INTO meta(key, value) VALUES ('schema', @v)", ("v", FaceGallery.SchemaVersion.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }
    }
}
