using System.Data.Common;
using System.Globalization;

namespace ArcFaceKit.Gallery;

/// <summary>Subjects and their faces: enrolment (safe to retry with a request key), erasure, crops and 1:N search.</summary>
internal sealed partial class FaceGallery
{
    public Task<int> CountFacesAsync(CancellationToken cancellationToken = default) => ReadAsync(IndexedFacesAsync, cancellationToken);

    public Task<IReadOnlyList<Subject>> ListSubjectsAsync(CancellationToken cancellationToken = default) => ReadAsync((db, c) => SubjectsAsync(db, null, null, c), cancellationToken);

    public async Task<Subject?> GetSubjectAsync(string name, CancellationToken cancellationToken = default) =>
        (await ReadAsync((db, c) => SubjectsAsync(db, null, SubjectNames.Lookup(name), c), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public async Task<Subject> CreateSubjectAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Check(name);
        return await WriteAsync(async (db, tx, c) =>
        {
            if (await SubjectIdAsync(db, tx, name, false, c).ConfigureAwait(false) is not null)
            {
                throw Conflict(name);
            }

            long id = await GalleryDb.ScalarAsync<long>(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) RETURNING id", ("n", name), ("t", _dialect.TimeValue(DateTimeOffset.UtcNow))).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "subject.create", id, name, null, c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, name, c).ConfigureAwait(false))[0], (IReadOnlyCollection<FaceOwner>)[]);
        }, cancellationToken, name).ConfigureAwait(false);
    }

    public async Task<Subject> RenameSubjectAsync(string name, string newName, string actor, CancellationToken cancellationToken = default)
    {
        name = SubjectNames.Lookup(name);
        newName = SubjectNames.Check(newName);
        return await WriteAsync(async (db, tx, c) =>
        {
            long id = await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) ?? throw NotFound(name);
            if (name != newName && await SubjectIdAsync(db, tx, newName, false, c).ConfigureAwait(false) is not null)
            {
                throw Conflict(newName);
            }

            await GalleryDb.ExecuteAsync(db, tx, c, "UPDATE subjects SET name = @n WHERE id = @i", ("n", newName), ("i", id)).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "subject.rename", id, newName, $"from '{name}'", c).ConfigureAwait(false);
            return ((await SubjectsAsync(db, tx, newName, c).ConfigureAwait(false))[0], (IReadOnlyCollection<FaceOwner>)[FaceOwner.Subject(id)]);
        }, cancellationToken, newName).ConfigureAwait(false);
    }

    public Task<bool> DeleteSubjectAsync(string name, string actor, CancellationToken cancellationToken = default) => WriteAsync(async (db, tx, c) =>
    {
        name = SubjectNames.Lookup(name);
        if (await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) is not { } id)
        {
            return (false, (IReadOnlyCollection<FaceOwner>)[]);
        }

        await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM request_keys WHERE subject_id = @s", ("s", id)).ConfigureAwait(false);
        long faces = await DeleteOwnerAsync(db, tx, FaceOwner.Subject(id), c).ConfigureAwait(false);
        await AuditErasureAsync(db, tx, id, name, actor, faces, c).ConfigureAwait(false);
        return (true, (IReadOnlyCollection<FaceOwner>)[FaceOwner.Subject(id)]);
    }, cancellationToken, erases: true);

    public async Task<IReadOnlyList<StoredFace>> AddFacesAsync(string subject, IReadOnlyList<NewFace> faces, string actor, CancellationToken cancellationToken = default) =>
        (await AddAsync(subject, faces, actor, null, cancellationToken).ConfigureAwait(false)).Faces;

    public Task<AddedFaces> AddFacesOnceAsync(string subject, IReadOnlyList<NewFace> faces, string actor, string requestKey, CancellationToken cancellationToken = default) =>
        AddAsync(subject, faces, actor, RequestKeys.Check(requestKey), cancellationToken);

    public async Task<AddedFaces?> FindAddedFacesAsync(string subject, string actor, string requestKey, CancellationToken cancellationToken = default)
    {
        subject = SubjectNames.Check(subject);
        var before = await ReadAsync((db, c) => AddedBeforeAsync(db, null, actor, RequestKeys.Check(requestKey), c), cancellationToken).ConfigureAwait(false);
        return before is null ? null : RequestKeys.Replay(before, subject);
    }

    private async Task<AddedFaces> AddAsync(string subject, IReadOnlyList<NewFace> faces, string actor, string? requestKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faces);
        subject = SubjectNames.Check(subject);
        if (faces.Count == 0)
        {
            throw new GalleryException(GalleryError.Invalid, $"No faces to add to '{subject}'.");
        }

        foreach (var face in faces)
        {
            CheckDimension(face.Embedding);
        }

        return await WriteAsync(async (db, tx, c) =>
        {
            var now = DateTimeOffset.UtcNow;
            long id = await EnsureSubjectAsync(db, tx, subject, now, c).ConfigureAwait(false);

            // Checked under the subject's row lock: a retry racing its original waits for it, then finds its record.
            if (requestKey is not null && await AddedBeforeAsync(db, tx, actor, requestKey, c).ConfigureAwait(false) is { } before)
            {
                return (RequestKeys.Replay(before, subject), (IReadOnlyCollection<FaceOwner>)[]);
            }

            var added = new List<StoredFace>(faces.Count);
            foreach (var face in faces)
            {
                added.Add(new StoredFace(await InsertFaceAsync(db, tx, FaceOwner.Subject(id), face, now, c).ConfigureAwait(false), subject, now, face.Source));
            }

            await UpdateTemplateAsync(db, tx, FaceOwner.Subject(id), c).ConfigureAwait(false);
            string ids = string.Join(",", added.Select(f => f.Id));
            await AuditAsync(db, tx, actor, "face.add", id, subject, ids, c).ConfigureAwait(false);
            if (requestKey is not null)
            {
                await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM request_keys WHERE created_utc < @old", ("old", _dialect.TimeValue(now - RequestKeys.KeptFor))).ConfigureAwait(false);
                await GalleryDb.ExecuteAsync(db, tx, c, "INSERT INTO request_keys(key_id, request_key, subject_id, face_ids, created_utc) VALUES (@k, @r, @s, @f, @t)",
                    ("k", actor), ("r", requestKey), ("s", id), ("f", ids), ("t", _dialect.TimeValue(now))).ConfigureAwait(false);
            }

            return (new AddedFaces(added, Replayed: false), (IReadOnlyCollection<FaceOwner>)[FaceOwner.Subject(id)]);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subject's id, creating it when new, its row locked for the write.</summary>
    private async Task<long> EnsureSubjectAsync(DbConnection db, DbTransaction tx, string name, DateTimeOffset now, CancellationToken c)
    {
        await GalleryDb.ExecuteAsync(db, tx, c, "INSERT INTO subjects(name, created_utc) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING", ("n", name), ("t", _dialect.TimeValue(now))).ConfigureAwait(false);
        return await SubjectIdAsync(db, tx, name, true, c).ConfigureAwait(false) ?? throw NotFound(name);
    }

    /// <summary>What an earlier request with this key added (those of its faces still there), or null.</summary>
    private async Task<AddedFaces?> AddedBeforeAsync(DbConnection db, DbTransaction? tx, string actor, string requestKey, CancellationToken cancellationToken)
    {
        long subjectId;
        string subject, ids;
        await using (var cmd = GalleryDb.Command(db, tx, """
            SELECT r.subject_id, s.name, r.face_ids FROM request_keys r JOIN subjects s ON s.id = r.subject_id
            WHERE r.key_id = @k AND r.request_key = @r AND r.created_utc >= @old
            """, ("k", actor), ("r", requestKey), ("old", _dialect.TimeValue(DateTimeOffset.UtcNow - RequestKeys.KeptFor))))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (subjectId, subject, ids) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        }

        var wanted = ids.Split(',').Select(i => long.Parse(i, CultureInfo.InvariantCulture)).ToHashSet();
        return new AddedFaces([.. (await FacesAsync(db, tx, subjectId, subject, cancellationToken).ConfigureAwait(false)).Where(f => wanted.Contains(f.Id))], Replayed: true);
    }

    public Task<IReadOnlyList<StoredFace>> ListFacesAsync(string subject, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        subject = SubjectNames.Lookup(subject);
        long id = await SubjectIdAsync(db, null, subject, false, c).ConfigureAwait(false) ?? throw NotFound(subject);
        return await FacesAsync(db, null, id, subject, c).ConfigureAwait(false);
    }, cancellationToken);

    private async Task<IReadOnlyList<StoredFace>> FacesAsync(DbConnection db, DbTransaction? tx, long subjectId, string subject, CancellationToken c)
    {
        await using var cmd = GalleryDb.Command(db, tx, "SELECT id, created_utc, source FROM faces WHERE subject_id = @s ORDER BY id", ("s", subjectId));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        var list = new List<StoredFace>();
        while (await reader.ReadAsync(c).ConfigureAwait(false))
        {
            list.Add(new StoredFace(reader.GetInt64(0), subject, _dialect.ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return list;
    }

    public async Task<bool> DeleteFaceAsync(string subject, long faceId, string actor, CancellationToken cancellationToken = default)
    {
        Func<Task> afterCommit = NothingAfter;
        bool deleted = await WriteAsync(async (db, tx, c) =>
        {
            subject = SubjectNames.Lookup(subject);
            var owner = FaceOwner.Subject(await SubjectIdAsync(db, tx, subject, true, c).ConfigureAwait(false) ?? throw NotFound(subject));
            if (await GalleryDb.ExecuteAsync(db, tx, c, "DELETE FROM faces WHERE id = @f AND subject_id = @s", ("f", faceId), ("s", owner.Id)).ConfigureAwait(false) == 0)
            {
                return (false, (IReadOnlyCollection<FaceOwner>)[]);
            }

            if (await CountFacesAsync(db, tx, owner, c).ConfigureAwait(false) == 0
                && await GalleryDb.ScalarAsync<long>(db, tx, c, "SELECT COUNT(*) FROM snapshots WHERE subject_id = @s", ("s", owner.Id)).ConfigureAwait(false) == 0)
            {
                await _sealing.ForgetAsync(owner.Id).ConfigureAwait(false);   // nothing left to protect
            }
            else
            {
                afterCommit = await RenewKeyAsync(db, tx, owner, c).ConfigureAwait(false);
            }

            await UpdateTemplateAsync(db, tx, owner, c).ConfigureAwait(false);
            await AuditAsync(db, tx, actor, "face.delete", owner.Id, subject, faceId.ToString(CultureInfo.InvariantCulture), c).ConfigureAwait(false);
            return (true, (IReadOnlyCollection<FaceOwner>)[owner]);
        }, cancellationToken, erases: true).ConfigureAwait(false);

        await afterCommit().ConfigureAwait(false);
        return deleted;
    }

    public Task<byte[]?> GetFaceCropAsync(string subject, long faceId, CancellationToken cancellationToken = default) => ReadAsync(async (db, c) =>
    {
        await using var cmd = GalleryDb.Command(db, null, "SELECT f.subject_id, f.crop FROM faces f JOIN subjects s ON s.id = f.subject_id WHERE f.id = @f AND s.name = @n",
            ("f", faceId), ("n", SubjectNames.Lookup(subject)));
        await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
        return await reader.ReadAsync(c).ConfigureAwait(false) ? OpenCrop(reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }, cancellationToken);

    public Task<IReadOnlyList<SubjectMatch>> SearchAsync(float[] probe, int k, SubjectScoring scoring, CancellationToken cancellationToken = default)
    {
        CheckDimension(probe);
        return ReadAsync((db, c) => SubjectRanking.TopAsync(
            n => NearestFacesAsync(db, probe, n, c),
            n => NearestTemplatesAsync(db, probe, n, c),
            s => ScoreAsync(db, probe, s, c),
            k, scoring), cancellationToken);
    }

    public Task<SubjectMatch?> ScoreSubjectAsync(string subject, float[] probe, SubjectScoring scoring, CancellationToken cancellationToken = default)
    {
        CheckDimension(probe);
        return ReadAsync(async (db, c) =>
        {
            long id = await SubjectIdAsync(db, null, SubjectNames.Lookup(subject), false, c).ConfigureAwait(false) ?? throw NotFound(subject);
            var match = (await ScoreAsync(db, probe, [id], c).ConfigureAwait(false)).SingleOrDefault();
            return match is null ? null : match with { Similarity = SubjectRanking.Value(match, scoring) };
        }, cancellationToken);
    }

    /// <summary>A subject's id, or null; with <paramref name="forWrite"/>, its row locked for the write.</summary>
    private async Task<long?> SubjectIdAsync(DbConnection db, DbTransaction? tx, string name, bool forWrite, CancellationToken cancellationToken) =>
        await GalleryDb.ScalarAsync<long?>(db, tx, cancellationToken, "SELECT id FROM subjects WHERE name = @n" + (forWrite ? _dialect.LockRow : ""), ("n", name)).ConfigureAwait(false);

    private async Task<IReadOnlyList<Subject>> SubjectsAsync(DbConnection db, DbTransaction? tx, string? name, CancellationToken cancellationToken)
    {
        const string Select = "SELECT s.name, COUNT(f.id), s.created_utc FROM subjects s LEFT JOIN faces f ON f.subject_id = s.id";
        await using var cmd = name is null
            ? GalleryDb.Command(db, tx, Select + " GROUP BY s.id, s.name, s.created_utc ORDER BY s.name")
            : GalleryDb.Command(db, tx, Select + " WHERE s.name = @n GROUP BY s.id, s.name, s.created_utc", ("n", name));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Subject>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Subject(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), _dialect.ReadTime(reader, 2)));
        }

        return list;
    }

    private static GalleryException NotFound(string subject) => new(GalleryError.NotFound, $"No subject named '{subject}'.");

    private static GalleryException Conflict(string subject) => new(GalleryError.Conflict, $"Subject '{subject}' already exists.");
}
