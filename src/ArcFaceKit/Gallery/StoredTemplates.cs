using System.Data.Common;

namespace ArcFaceKit.Gallery;

/// <summary>The templates kept in the database: each subject's and group's normalised mean of its faces, sealed for it.</summary>
internal static class StoredTemplates
{
    /// <summary>Recomputes an owner's template from its faces (NULL when it has none), inside the write transaction.</summary>
    public static async Task UpdateAsync(SubjectSealing sealing, DbConnection db, DbTransaction tx, FaceOwner owner, CancellationToken cancellationToken)
    {
        var embeddings = new List<float[]>();
        await using (var cmd = GalleryDb.Command(db, tx, $"SELECT embedding FROM faces WHERE {owner.Column} = @s", ("s", owner.Id)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                embeddings.Add(sealing.OpenFloats(owner.Id, (byte[])reader.GetValue(0)));
            }
        }

        object? template = embeddings.Count == 0 ? null : sealing.SealFloats(owner.Id, Templates.Mean(embeddings, embeddings[0].Length));
        await GalleryDb.ExecuteAsync(db, tx, cancellationToken, $"UPDATE {owner.Table} SET template = @t WHERE id = @s", ("t", template), ("s", owner.Id)).ConfigureAwait(false);
    }

    /// <summary>Recomputes every subject's template (after a migration from a schema without templates).</summary>
    public static async Task RebuildAsync(SubjectSealing sealing, DbConnection db, DbTransaction tx, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var cmd = GalleryDb.Command(db, tx, "SELECT id FROM subjects"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        foreach (long id in ids)
        {
            await UpdateAsync(sealing, db, tx, FaceOwner.Subject(id), cancellationToken).ConfigureAwait(false);
        }
    }
}
