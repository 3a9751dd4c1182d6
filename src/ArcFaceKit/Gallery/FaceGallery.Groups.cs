using System.Data.Common;
using System.Globalization;
using System.Numerics.Tensors;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Groups of unnamed faces: stored as subjects under reserved names (<see cref="SubjectNames.IsGroup"/>), so faces in
/// them are sealed, erased and audited by the same code as enrolled ones, and naming a group moves its faces to a
/// subject in one transaction. Groups are kept out of the search index (never proposed by 1:N search); the group a
/// new face joins is found from the groups' templates in the database.
/// </summary>
public sealed partial class FaceGallery
{
    private const string GroupPattern = SubjectNames.GroupPrefix + "%";

    public async Task<GroupFace> AddToGroupsAsync(NewFace face, float joinThreshold, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(face);
        CheckDimension(face.Embedding);
        return await WriteAsync(async (db, tx, c) =>
        {
            var now = DateTimeOffset.UtcNow;
            var (nearest, similarity) = await NearestGroupAsync(db, tx, face.Embedding, c).ConfigureAwait(false);

            // The clustering rule (FaceClusterer): join the nearest centroid at or above the threshold, else start a person.
            long group = nearest is { } g && similarity >= joinThreshold ? g : await NewGroupAsync(db, tx, now, c).ConfigureAwait(false);
            long faceId = await InsertFaceAsync(db, tx, group, face, now, c).ConfigureAwait(false);
            await UpdateTemplateAsync(db, tx, group, c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.add", group, GroupLabel(group), faceId.ToString(CultureInfo.InvariantCulture), c).ConfigureAwait(false);
            return (new GroupFace(faceId, group, now, face.Source), (IReadOnlyCollection<long>)[]);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<FaceGroup>> ListGroupsAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => GroupsAsync(db, null, null, c), cancellationToken);

    public async Task<FaceGroup?> GetGroupAsync(long group, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => GroupsAsync(db, null, group, c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<byte[]?> GetGroupFaceCropAsync(long group, long faceId, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        await using var cmd = Command(db, null, "SELECT f.crop FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = @f AND s.id = @g AND s.name LIKE @p",
            ("f", faceId), ("g", group), ("p", GroupPattern));
        return await cmd.ExecuteScalarAsync(c).ConfigureAwait(false) is byte[] stored ? OpenCrop(group, stored) : null;
    }, cancellationToken);

    public async Task<Subject> NameGroupAsync(long group, string name, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Check(name);
        Func<Task> afterCommit = NothingAfter;
        var subject = await WriteAsync(async (db, tx, c) =>
        {
            _ = await GroupNameAsync(db, tx, group, c).ConfigureAwait(false) ?? throw GroupNotFound(group);
            await ExecuteAsync(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING", ("n", name), ("t", _dialect.TimeValue(DateTimeOffset.UtcNow))).ConfigureAwait(false);
            long target = await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) ?? throw NotFound(name);
            (int moved, afterCommit) = await MoveFacesAsync(db, tx, group, target, null, c).ConfigureAwait(false);
            await ExecuteAsync(db, tx, c, "DELETE FROM subjects WHERE id = @g", ("g", group)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.name", target, name, $"{moved} faces from {GroupLabel(group)}", c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, name, c).ConfigureAwait(false))[0], (IReadOnlyCollection<long>)[target]);
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
                _ = await GroupNameAsync(db, tx, id, c).ConfigureAwait(false) ?? throw GroupNotFound(id);
            }

            (int moved, afterCommit) = await MoveFacesAsync(db, tx, from, into, null, c).ConfigureAwait(false);
            await ExecuteAsync(db, tx, c, "DELETE FROM subjects WHERE id = @g", ("g", from)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.merge", into, GroupLabel(into), $"{moved} faces from {GroupLabel(from)}", c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<long>)[]);
        }, cancellationToken).ConfigureAwait(false);
        await afterCommit().ConfigureAwait(false);
        return await GetGroupAsync(into, cancellationToken).ConfigureAwait(false) ?? throw GroupNotFound(into);
    }

    public async Task<FaceGroup> SplitFaceAsync(long group, long faceId, string actor, CancellationToken cancellationToken = default)
    {
        Func<Task> afterCommit = NothingAfter;
        long result = await WriteAsync(async (db, tx, c) =>
        {
            _ = await GroupNameAsync(db, tx, group, c).ConfigureAwait(false) ?? throw GroupNotFound(group);
            long faces = await ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE subject_id = @g", ("g", group)).ConfigureAwait(false);
            if (await ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE subject_id = @g AND id = @f", ("g", group), ("f", faceId)).ConfigureAwait(false) == 0)
            {
                throw new GalleryException(GalleryError.NotFound, $"{GroupLabel(group)} has no face {faceId}.");
            }

            if (faces == 1)
            {
                return (group, (IReadOnlyCollection<long>)[]);   // already a group of its own
            }

            long split = await NewGroupAsync(db, tx, DateTimeOffset.UtcNow, c).ConfigureAwait(false);
            (_, afterCommit) = await MoveFacesAsync(db, tx, group, split, faceId, c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "group.split", split, GroupLabel(split), $"face {faceId} from {GroupLabel(group)}", c).ConfigureAwait(false);
            return (split, (IReadOnlyCollection<long>)[]);
        }, cancellationToken).ConfigureAwait(false);
        await afterCommit().ConfigureAwait(false);
        return await GetGroupAsync(result, cancellationToken).ConfigureAwait(false) ?? throw GroupNotFound(result);
    }

    public Task<bool> DeleteGroupAsync(long group, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        if (await GroupNameAsync(db, tx, group, c).ConfigureAwait(false) is not { } name)
        {
            return (false, (IReadOnlyCollection<long>)[]);
        }

        await EraseAsync(db, tx, group, name, "group.delete", actor, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<long>)[]);
    }, cancellationToken, erases: true);

    /// <summary>
    /// Moves faces (all, or the one given) of a subject to another inside the write transaction, sealed for their new
    /// subject. The source is re-keyed as when a face is deleted (<see cref="RenewKeyAsync"/>); what the returned action
    /// does runs after the commit: it destroys the old key, or the whole key of a source left empty.
    /// </summary>
    private async Task<(int Moved, Func<Task> AfterCommit)> MoveFacesAsync(DbConnection db, DbTransaction tx, long from, long to, long? face, CancellationToken c)
    {
        int moved = await SealAgainAsync(db, tx, from, to, face, c).ConfigureAwait(false);
        var afterCommit = await ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM faces WHERE subject_id = @s", ("s", from)).ConfigureAwait(false) == 0
            ? () => _dialect.Sealing.ForgetAsync(from)   // after the commit: should it fail, the faces are still the source's
            : await RenewKeyAsync(db, tx, from, c).ConfigureAwait(false);

        await UpdateTemplateAsync(db, tx, from, c).ConfigureAwait(false);
        await UpdateTemplateAsync(db, tx, to, c).ConfigureAwait(false);
        return (moved, afterCommit);
    }

    /// <summary>The group whose template is most similar to the probe, or null when there are none.</summary>
    private async Task<(long? Group, float Similarity)> NearestGroupAsync(DbConnection db, DbTransaction tx, float[] probe, CancellationToken c)
    {
        (long? Group, float Similarity) best = (null, float.NegativeInfinity);
        await using var cmd = Command(db, tx, "SELECT id, template FROM subjects WHERE name LIKE @p AND template IS NOT NULL", ("p", GroupPattern));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            long id = reader.GetInt64(0);
            if (OpenEmbedding(reader, 1, id) is { } template && TensorPrimitives.Dot(template, probe) is var s && s > best.Similarity)
            {
                best = (id, s);
            }
        }

        return best;
    }

    private async Task<long> NewGroupAsync(DbConnection db, DbTransaction tx, DateTimeOffset now, CancellationToken c) =>
        await ScalarAsync<long>(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) RETURNING id",
            ("n", SubjectNames.GroupPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))), ("t", _dialect.TimeValue(now))).ConfigureAwait(false);

    /// <summary>A group's stored name, its row locked for the write; null when there is no group of that id.</summary>
    private async Task<string?> GroupNameAsync(DbConnection db, DbTransaction tx, long group, CancellationToken c) =>
        await ScalarAsync<string?>(db, tx, c, "SELECT name FROM subjects WHERE id = @i" + _dialect.LockRow, ("i", group)).ConfigureAwait(false) is { } name && SubjectNames.IsGroup(name)
            ? name
            : null;

    /// <summary>Groups (or the one given) with their faces, largest first; each one's representative is its face nearest its template.</summary>
    private async Task<IReadOnlyList<FaceGroup>> GroupsAsync(DbConnection db, DbTransaction? tx, long? only, CancellationToken c)
    {
        const string Select = "SELECT s.id, s.created_utc, s.template, f.id, f.created_utc, f.source, f.embedding FROM subjects s JOIN faces f ON f.subject_id = s.id WHERE s.name LIKE @p";
        await using var cmd = only is { } id
            ? Command(db, tx, Select + " AND s.id = @g ORDER BY f.id", ("p", GroupPattern), ("g", id))
            : Command(db, tx, Select + " ORDER BY s.id, f.id", ("p", GroupPattern));
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

    /// <summary>A stored embedding or template, or null when its subject's key is destroyed (an erasure not yet finished).</summary>
    private float[]? OpenEmbedding(DbDataReader reader, int ordinal, long subjectId)
    {
        try
        {
            return _dialect.ReadEmbedding(reader, ordinal, subjectId);
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }

    private byte[]? OpenCrop(long subjectId, byte[] stored)
    {
        try
        {
            byte[] crop = _dialect.Sealing.Open(subjectId, stored);
            return crop.Length > 0 ? crop : null;
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }

    private static Task NothingAfter() => Task.CompletedTask;

    /// <summary>How messages and the audit name a group (its stored name is an internal key).</summary>
    private static string GroupLabel(long id) => $"group #{id.ToString(CultureInfo.InvariantCulture)}";

    private static GalleryException GroupNotFound(long id) => new(GalleryError.NotFound, $"No {GroupLabel(id)} of unnamed faces.");
}
