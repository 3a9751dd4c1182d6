using System.Data.Common;
using System.Globalization;
using System.Numerics.Tensors;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Groups of unnamed faces, rows of their own (face_groups) whose faces are sealed, erased and audited by the same code
/// as enrolled ones, and naming a group moves its faces to a subject in one transaction. Their templates are in the
/// search index apart from the subjects' (never proposed by 1:N search): a new face finds its group by a search there.
/// </summary>
internal sealed partial class FaceGallery
{
    public async Task<GroupFace> AddToGroupsAsync(NewFace face, float joinThreshold, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(face);
        CheckDimension(face.Embedding);
        return await WriteAsync(async (db, tx, c) =>
        {
            var now = DateTimeOffset.UtcNow;

            // The clustering rule (FaceClusterer): join the nearest centroid at or above the threshold, else start a person.
            // The index finds the nearest; its stored template, read exactly and locked, decides.
            long? nearest = (await NearestGroupAsync(db, tx, face.Embedding, c).ConfigureAwait(false))?.SubjectId;
            long group = nearest is { } g && await GroupTemplateAsync(db, tx, g, c).ConfigureAwait(false) is { } template && TensorPrimitives.Dot(template, face.Embedding) >= joinThreshold
                ? g
                : await NewGroupAsync(db, tx, now, c).ConfigureAwait(false);
            long faceId = await InsertFaceAsync(db, tx, FaceOwner.Group(group), face, now, c).ConfigureAwait(false);
            await UpdateTemplateAsync(db, tx, FaceOwner.Group(group), c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.add", null, GroupLabel(group), faceId.ToString(CultureInfo.InvariantCulture), c).ConfigureAwait(false);
            return (new GroupFace(faceId, group, now, face.Source), (IReadOnlyCollection<FaceOwner>)[FaceOwner.Group(group)]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<FaceGroup>> ListGroupsAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => GroupsAsync(db, null, c), cancellationToken);

    public async Task<FaceGroup?> GetGroupAsync(long group, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => GroupsAsync(db, group, c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<byte[]?> GetGroupFaceCropAsync(long group, long faceId, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        await using var cmd = GalleryDb.Command(db, null, "SELECT crop FROM faces WHERE id = @f AND group_id = @g", ("f", faceId), ("g", group));
        return await cmd.ExecuteScalarAsync(c).ConfigureAwait(false) is byte[] stored ? OpenCrop(group, stored) : null;
    }, cancellationToken);

    public async Task<Subject> NameGroupAsync(long group, string name, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Check(name);
        Func<Task> afterCommit = NothingAfter;
        var subject = await WriteAsync(async (db, tx, c) =>
        {
            await LockGroupAsync(db, tx, group, c).ConfigureAwait(false);
            var target = FaceOwner.Subject(await EnsureSubjectAsync(db, tx, name, DateTimeOffset.UtcNow, c).ConfigureAwait(false));
            (int moved, afterCommit) = await MoveFacesAsync(db, tx, FaceOwner.Group(group), target, null, c).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM face_groups WHERE id = @g", ("g", group)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.name", target.Id, name, $"{moved} faces from {GroupLabel(group)}", c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, name, c).ConfigureAwait(false))[0], (IReadOnlyCollection<FaceOwner>)[target, FaceOwner.Group(group)]);
        }, cancellationToken).ConfigureAwait(false);
        await afterCommit().ConfigureAwait(false);
        return subject;
    }

    public async Task<FaceGroup> MergeGroupsAsync(long into, long from, string actor, CancellationToken cancellationToken = default)
    {
        if (into == from)
        {
            throw new GalleryException(GalleryError.Invalid, "A group cannot be merged into itself.");
        }

        Func<Task> afterCommit = NothingAfter;
        await WriteAsync(async (db, tx, c) =>
        {
            // Locked in id order, so two opposite merges cannot deadlock.
            foreach (long id in new[] { into, from }.Order())
            {
                await LockGroupAsync(db, tx, id, c).ConfigureAwait(false);
            }

            (int moved, afterCommit) = await MoveFacesAsync(db, tx, FaceOwner.Group(from), FaceOwner.Group(into), null, c).ConfigureAwait(false);
            await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM face_groups WHERE id = @g", ("g", from)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.merge", null, GroupLabel(into), $"{moved} faces from {GroupLabel(from)}", c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<FaceOwner>)[FaceOwner.Group(into), FaceOwner.Group(from)]);
        }, cancellationToken).ConfigureAwait(false);
        await afterCommit().ConfigureAwait(false);
        return await GetGroupAsync(into, cancellationToken).ConfigureAwait(false) ?? throw GroupNotFound(into);
    }

    public async Task<FaceGroup> SplitFaceAsync(long group, long faceId, string actor, CancellationToken cancellationToken = default)
    {
        Func<Task> afterCommit = NothingAfter;
        long result = await WriteAsync(async (db, tx, c) =>
        {
            await LockGroupAsync(db, tx, group, c).ConfigureAwait(false);
            if (await GalleryDb.ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE group_id = @g AND id = @f", ("g", group), ("f", faceId)).ConfigureAwait(false) == 0)
            {
                throw new GalleryException(GalleryError.NotFound, $"{GroupLabel(group)} has no face {faceId}.");
            }

            if (await CountFacesAsync(db, tx, FaceOwner.Group(group), c).ConfigureAwait(false) == 1)
            {
                return (group, (IReadOnlyCollection<FaceOwner>)[]);   // already a group of its own
            }

            long split = await NewGroupAsync(db, tx, DateTimeOffset.UtcNow, c).ConfigureAwait(false);
            (_, afterCommit) = await MoveFacesAsync(db, tx, FaceOwner.Group(group), FaceOwner.Group(split), faceId, c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.split", null, GroupLabel(split), $"face {faceId} from {GroupLabel(group)}", c).ConfigureAwait(false);
            return (split, (IReadOnlyCollection<FaceOwner>)[FaceOwner.Group(group), FaceOwner.Group(split)]);
        }, cancellationToken).ConfigureAwait(false);
        await afterCommit().ConfigureAwait(false);
        return await GetGroupAsync(result, cancellationToken).ConfigureAwait(false) ?? throw GroupNotFound(result);
    }

    public Task<bool> DeleteGroupAsync(long group, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        if (!await GroupExistsAsync(db, tx, group, c).ConfigureAwait(false))
        {
            return (false, (IReadOnlyCollection<FaceOwner>)[]);
        }

        // A group has no name to scrub from the audit: its label is only its number.
        long faces = await DeleteOwnerAsync(db, tx, FaceOwner.Group(group), c).ConfigureAwait(false);
        await AuditAsync(db, tx, actor, "group.delete", null, GroupLabel(group), $"{faces} faces erased", c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<FaceOwner>)[FaceOwner.Group(group)]);
    }, cancellationToken, erases: true);

    /// <summary>
    /// Moves faces (all, or the one given) to another subject or group inside the write transaction, sealed for it. The
    /// source is re-keyed as when a face is deleted (<see cref="RenewKeyAsync"/>); what the returned action does runs
    /// after the commit: it destroys the old key, or the whole key of a source left empty.
    /// </summary>
    private async Task<(int Moved, Func<Task> AfterCommit)> MoveFacesAsync(DbConnection db, DbTransaction tx, FaceOwner from, FaceOwner to, long? face, CancellationToken c)
    {
        int moved = await SealAgainAsync(db, tx, from, to, face, c).ConfigureAwait(false);
        var afterCommit = await CountFacesAsync(db, tx, from, c).ConfigureAwait(false) == 0
            ? () => _sealing.ForgetAsync(from.Id)   // after the commit: should it fail, the faces are still the source's
            : await RenewKeyAsync(db, tx, from, c).ConfigureAwait(false);

        await UpdateTemplateAsync(db, tx, from, c).ConfigureAwait(false);
        await UpdateTemplateAsync(db, tx, to, c).ConfigureAwait(false);
        return (moved, afterCommit);
    }

    /// <summary>A group's template, its row locked for the write; null when the group is gone or its key destroyed.</summary>
    private async Task<float[]?> GroupTemplateAsync(DbConnection db, DbTransaction tx, long group, CancellationToken c)
    {
        await using var cmd = GalleryDb.Command(db, tx, "SELECT template FROM face_groups WHERE id = @g AND template IS NOT NULL" + _dialect.LockRow, ("g", group));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        return await reader.ReadAsync(c).ConfigureAwait(false) ? OpenEmbedding(reader, 0, group) : null;
    }

    private async Task<long> NewGroupAsync(DbConnection db, DbTransaction tx, DateTimeOffset now, CancellationToken c) =>
        await GalleryDb.ScalarAsync<long>(db, tx, c, "INSERT INTO face_groups(created_utc) VALUES (@t) RETURNING id", ("t", _dialect.TimeValue(now))).ConfigureAwait(false);

    /// <summary>Whether there is a group of that id, its row locked for the write.</summary>
    private async Task<bool> GroupExistsAsync(DbConnection db, DbTransaction tx, long group, CancellationToken c) =>
        await GalleryDb.ScalarAsync<long?>(db, tx, c, "SELECT id FROM face_groups WHERE id = @i" + _dialect.LockRow, ("i", group)).ConfigureAwait(false) is not null;

    private async Task LockGroupAsync(DbConnection db, DbTransaction tx, long group, CancellationToken c)
    {
        if (!await GroupExistsAsync(db, tx, group, c).ConfigureAwait(false))
        {
            throw GroupNotFound(group);
        }
    }

    /// <summary>Groups (or the one given) with their faces, largest first; each one's representative is its face nearest its template.</summary>
    private async Task<IReadOnlyList<FaceGroup>> GroupsAsync(DbConnection db, long? only, CancellationToken c)
    {
        const string Select = "SELECT g.id, g.created_utc, g.template, f.id, f.created_utc, f.source, f.embedding FROM face_groups g JOIN faces f ON f.group_id = g.id";
        await using var cmd = only is { } id
            ? GalleryDb.Command(db, null, Select + " WHERE g.id = @g ORDER BY f.id", ("g", id))
            : GalleryDb.Command(db, null, Select + " ORDER BY g.id, f.id");
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        var groups = new List<(long Id, DateTimeOffset Created, float[]? Template, List<GroupFace> Faces, long Best, float BestSimilarity)>();
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            long group = reader.GetInt64(0);
            if (groups.Count == 0 || groups[^1].Id != group)
            {
                groups.Add((group, _dialect.ReadTime(reader, 1), reader.IsDBNull(2) ? null : OpenEmbedding(reader, 2, group), [], 0, float.NegativeInfinity));
            }

            var g = groups[^1];
            long faceId = reader.GetInt64(3);
            g.Faces.Add(new GroupFace(faceId, group, _dialect.ReadTime(reader, 4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            float similarity = g.Template is not null && OpenEmbedding(reader, 6, group) is { } e ? TensorPrimitives.Dot(g.Template, e) : float.NegativeInfinity;
            if (g.Faces.Count == 1 || similarity > g.BestSimilarity)
            {
                groups[^1] = g with { Best = faceId, BestSimilarity = similarity };
            }
        }

        return [.. groups.Where(g => g.Template is not null).OrderByDescending(g => g.Faces.Count).ThenBy(g => g.Id).Select(g => new FaceGroup(g.Id, g.Faces, g.Best, g.Created))];
    }

    /// <summary>How messages and the audit name a group.</summary>
    private static string GroupLabel(long id) => $"group #{id.ToString(CultureInfo.InvariantCulture)}";

    private static GalleryException GroupNotFound(long id) => new(GalleryError.NotFound, $"No {GroupLabel(id)} of unnamed faces.");
}
