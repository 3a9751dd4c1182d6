using System.Numerics.Tensors;
using ArcFaceKit.Search;

namespace ArcFaceKit.Gallery;

/// <summary>
/// Subjects, their faces and templates held in memory and searched exactly (SIMD scans): both galleries' index,
/// rebuilt from the database, and the identification protocol's gallery. Not thread-safe: its owner serialises access.
/// </summary>
internal sealed class MemorySubjectIndex(int dimension)
{
    private readonly ExactFaceIndex _faces = new(dimension);
    private readonly ExactFaceIndex _templates = new(dimension);
    private readonly Dictionary<long, long> _subjectOfFace = [];
    private readonly Dictionary<long, (string Name, List<(long Id, float[] Embedding)> Faces, float[]? Template)> _subjects = [];

    public int Dimension { get; } = dimension;

    public int FaceCount => _faces.Count;

    public void Clear()
    {
        foreach (var id in _subjects.Keys.ToList())
        {
            Remove(id);
        }
    }

    /// <summary>Replaces everything known of a subject (its name and faces; the template is their normalised mean).</summary>
    public void Set(long subjectId, string name, IReadOnlyList<(long Id, float[] Embedding)> faces)
    {
        Remove(subjectId);
        var template = faces.Count > 0 ? Templates.Mean(faces.Select(f => f.Embedding), Dimension) : null;
        _subjects[subjectId] = (name, [.. faces], template);
        foreach (var (id, embedding) in faces)
        {
            _faces.Upsert(id, embedding);
            _subjectOfFace[id] = subjectId;
        }

        if (template is not null)
        {
            _templates.Upsert(subjectId, template);
        }
    }

    public void Remove(long subjectId)
    {
        if (_subjects.Remove(subjectId, out var subject))
        {
            foreach (var (id, _) in subject.Faces)
            {
                _faces.Remove(id);
                _subjectOfFace.Remove(id);
            }

            _templates.Remove(subjectId);
        }
    }

    public IReadOnlyList<FaceHit> NearestFaces(float[] probe, int n) =>
        [.. _faces.Search(probe, n).Select(h => new FaceHit(h.Id, _subjectOfFace[h.Id], h.Similarity))];

    public IReadOnlyList<TemplateHit> NearestTemplates(float[] probe, int n) =>
        [.. _templates.Search(probe, n).Select(h => new TemplateHit(h.Id, h.Similarity))];

    public IReadOnlyList<SubjectMatch> Score(float[] probe, IReadOnlyCollection<long> subjects)
    {
        var result = new List<SubjectMatch>(subjects.Count);
        foreach (long id in subjects)
        {
            if (!_subjects.TryGetValue(id, out var subject) || subject.Template is null)
            {
                continue;
            }

            var best = subject.Faces.Select(f => (f.Id, Similarity: TensorPrimitives.Dot(f.Embedding, probe))).MaxBy(f => f.Similarity);
            float template = TensorPrimitives.Dot(subject.Template, probe);
            result.Add(new SubjectMatch(subject.Name, best.Similarity, best.Id, best.Similarity, template));
        }

        return result;
    }

    public Task<IReadOnlyList<SubjectMatch>> TopAsync(float[] probe, int k, SubjectScoring scoring) =>
        SubjectRanking.TopAsync(n => Task.FromResult(NearestFaces(probe, n)), n => Task.FromResult(NearestTemplates(probe, n)), s => Task.FromResult(Score(probe, s)), k, scoring);
}
