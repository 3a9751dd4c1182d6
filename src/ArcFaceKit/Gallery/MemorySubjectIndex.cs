using System.Runtime.InteropServices;
using ArcFaceKit.Search;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Subjects, their faces and templates, and the templates of the groups of unnamed faces, held in memory and searched exactly by 8-bit scans re-scored in half precision
/// (<see cref="Int8FaceIndex"/>: 3 bytes a dimension, no fp32 copies kept), through an HNSW graph past a size
/// (<see cref="ScalingFaceIndex"/>): both galleries' index, rebuilt from the database or read from an index file, and
/// the identification protocol's gallery. Not thread-safe: its owner serialises access.
/// </summary>
internal sealed class MemorySubjectIndex : IDisposable
{
    private const int Magic = 0x58444941; // "AIDX"
    private const int Format = 4;   // 2: each index's copies before its codes; 3: with the HNSW graphs; 4: with the groups (older files are rebuilt)

    private readonly ScalingFaceIndex _faces;
    private readonly ScalingFaceIndex _templates;
    private readonly ScalingFaceIndex _groups;
    private readonly Dictionary<long, long> _subjectOfFace = [];
    private readonly Dictionary<long, (string Name, long[] Faces)> _subjects = [];

    public MemorySubjectIndex(int dimension, GalleryIndexOptions options)
        : this(dimension, new ScalingFaceIndex(dimension, options), new ScalingFaceIndex(dimension, options), new ScalingFaceIndex(dimension, options))
    {
    }

    private MemorySubjectIndex(int dimension, ScalingFaceIndex faces, ScalingFaceIndex templates, ScalingFaceIndex groups)
    {
        Dimension = dimension;
        _faces = faces;
        _templates = templates;
        _groups = groups;
    }

    public int Dimension { get; }

    public int FaceCount => _faces.Count;

    /// <summary>Whether the faces' half-precision copies are mapped from the index file (not held in memory).</summary>
    public bool CopiesMapped => _faces.Exact.CopiesMapped;

    /// <summary>Whether the faces' HNSW graph was read from the index file rather than built at open.</summary>
    public bool GraphRead => _faces.GraphRead;

    /// <summary>Whether the faces' graph read is still viewed in the index file's mapping.</summary>
    public bool GraphViewed => _faces.GraphViewed;

    /// <summary>Whether face searches go through the HNSW graph (the gallery is past <see cref="GalleryIndexOptions.ApproximateFrom"/>).</summary>
    public bool Approximate => _faces.Approximate;

    /// <summary>Replaces everything known of a subject (its name and faces; the template is their normalised mean).</summary>
    public void Set(long subjectId, string name, IReadOnlyList<(long Id, float[] Embedding)> faces)
    {
        Remove(subjectId);
        _subjects[subjectId] = (name, [.. faces.Select(f => f.Id)]);
        foreach (var (id, embedding) in faces)
        {
            _faces.Upsert(id, embedding);
            _subjectOfFace[id] = subjectId;
        }

        if (faces.Count > 0)
        {
            _templates.Upsert(subjectId, Templates.Mean(faces.Select(f => f.Embedding), Dimension));
        }
    }

    public void Remove(long subjectId)
    {
        if (_subjects.Remove(subjectId, out var subject))
        {
            foreach (long id in subject.Faces)
            {
                _faces.Remove(id);
                _subjectOfFace.Remove(id);
            }

            _templates.Remove(subjectId);
        }
    }

    /// <summary>Replaces a group's template by the normalised mean of its faces (none: the group is not searched).</summary>
    public void SetGroup(long groupId, IReadOnlyList<float[]> faces)
    {
        _groups.Remove(groupId);
        if (faces.Count > 0)
        {
            _groups.Upsert(groupId, Templates.Mean(faces, Dimension));
        }
    }

    public void Remove(FaceOwner owner)
    {
        if (owner.IsGroup)
        {
            _groups.Remove(owner.Id);
        }
        else
        {
            Remove(owner.Id);
        }
    }

    /// <summary>The group whose template is nearest the probe, or null when there are none.</summary>
    public TemplateHit? NearestGroup(float[] probe) =>
        _groups.Search(probe, 1) is [var hit, ..] ? new TemplateHit(hit.Id, hit.Similarity) : null;

    public IReadOnlyList<FaceHit> NearestFaces(float[] probe, int n) =>
        [.. _faces.Search(probe, n).Select(h => new FaceHit(h.Id, _subjectOfFace[h.Id], h.Similarity))];

    public IReadOnlyList<TemplateHit> NearestTemplates(float[] probe, int n) =>
        [.. _templates.Search(probe, n).Select(h => new TemplateHit(h.Id, h.Similarity))];

    public IReadOnlyList<SubjectMatch> Score(float[] probe, IReadOnlyCollection<long> subjects)
    {
        var result = new List<SubjectMatch>(subjects.Count);
        foreach (long id in subjects)
        {
            if (!_subjects.TryGetValue(id, out var subject) || _templates.Exact.Similarity(id, probe) is not { } template)
            {
                continue;
            }

            var best = subject.Faces.Select(f => (Id: f, Similarity: _faces.Exact.Similarity(f, probe)!.Value)).MaxBy(f => f.Similarity);
            result.Add(new SubjectMatch(subject.Name, best.Similarity, best.Id, best.Similarity, template));
        }

        return result;
    }

    public Task<IReadOnlyList<SubjectMatch>> TopAsync(float[] probe, int k, SubjectScoring scoring) =>
        SubjectRanking.TopAsync(n => Task.FromResult(NearestFaces(probe, n)), n => Task.FromResult(NearestTemplates(probe, n)), s => Task.FromResult(Score(probe, s)), k, scoring);

    /// <summary>Writes the whole index, stamped with what the caller needs to know it is current (the database's version).</summary>
    public void Write(Stream stream, string stamp)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Format);
        writer.Write(stamp);
        writer.Write(Dimension);
        writer.Write(_subjects.Count);
        foreach (var (id, (name, faces)) in _subjects)
        {
            writer.Write(id);
            writer.Write(name);
            writer.Write(faces.Length);
            writer.Write(MemoryMarshal.AsBytes(faces.AsSpan()));
        }

        _faces.Exact.Write(writer);
        _templates.Exact.Write(writer);
        _groups.Exact.Write(writer);
        _faces.WriteGraph(writer);
        _templates.WriteGraph(writer);
        _groups.WriteGraph(writer);
        writer.Write(Magic);
    }

    /// <summary>The stamp <see cref="Write"/> recorded, or null when the stream does not start as an index of this format.</summary>
    public static string? ReadStamp(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            return reader.ReadInt32() == Magic && reader.ReadInt32() == Format ? reader.ReadString() : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>The rest of an index after its stamp (<see cref="ReadStamp"/>); InvalidDataException or EndOfStreamException when it is damaged.</summary>
    public static MemorySubjectIndex Read(Stream stream, int dimension, GalleryIndexOptions options)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != dimension)
        {
            throw new InvalidDataException("The index holds embeddings of another dimension.");
        }

        int count = Length(reader);
        var subjects = new List<(long Id, string Name, long[] Faces)>(count);
        for (int i = 0; i < count; i++)
        {
            long id = reader.ReadInt64();
            string name = reader.ReadString();
            var faces = new long[Length(reader)];
            stream.ReadExactly(MemoryMarshal.AsBytes(faces.AsSpan()));

            subjects.Add((id, name, faces));
        }

        Int8FaceIndex? faceIndex = null, templateIndex = null, groupIndex = null;
        MemorySubjectIndex? index = null;
        try
        {
            faceIndex = Int8FaceIndex.Read(reader, dimension, map: options.MapIndexFile);
            templateIndex = Int8FaceIndex.Read(reader, dimension, map: options.MapIndexFile);
            groupIndex = Int8FaceIndex.Read(reader, dimension, map: options.MapIndexFile);
            index = new MemorySubjectIndex(dimension, new ScalingFaceIndex(faceIndex, options), new ScalingFaceIndex(templateIndex, options), new ScalingFaceIndex(groupIndex, options));
            index._faces.ReadGraph(reader);
            index._templates.ReadGraph(reader);
            index._groups.ReadGraph(reader);
            if (reader.ReadInt32() != Magic)
            {
                throw new InvalidDataException("The index does not end where it should.");
            }

            foreach (var (id, name, faces) in subjects)
            {
                index._subjects.Add(id, (name, faces));
                foreach (long face in faces)
                {
                    index._subjectOfFace.Add(face, id);
                }
            }

            if (index._subjectOfFace.Count != index._faces.Count)
            {
                throw new InvalidDataException("The index's faces and subjects disagree.");
            }

            index._faces.BuildWhenLarge();
            index._templates.BuildWhenLarge();
            index._groups.BuildWhenLarge();
            return index;
        }
        catch
        {
            // Read from a file, the indexes hold mappings of it: released now, not when collected.
            if (index is not null)
            {
                index.Dispose();
            }
            else
            {
                faceIndex?.Dispose();
                templateIndex?.Dispose();
                groupIndex?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        _faces.Dispose();
        _templates.Dispose();
        _groups.Dispose();
    }

    /// <summary>A count read from the stream, refused when no stream of this length could hold that many entries.</summary>
    private static int Length(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length / 8 ? count : throw new InvalidDataException("The index holds an impossible count.");
    }
}
