using System.Numerics.Tensors;
using ArcFaceKit.Search;

namespace ArcFaceKit.Clustering;

/// <summary>
/// Groups faces into people, incrementally: each face joins the person whose centroid (the normalised mean of its
/// faces) is most similar, if at least <see cref="Threshold"/>, or starts a new person. Faces of a batch are taken
/// best quality first, so people are seeded by their clearest faces. Centroids live in a search index, so each face
/// costs one search over the people found so far (no face-to-face matrix). <see cref="Refine"/> then moves every face
/// to its nearest centroid: the pass a photo library runs at night. Deterministic: the same faces in the same batches
/// give the same people. Not thread-safe; searches inside one call use every core.
/// </summary>
public sealed class FaceClusterer
{
    private const int Chunk = 256;

    private readonly List<float[]> _faces = [];
    private readonly List<int> _personOf = [];
    private readonly Dictionary<int, Person> _people = [];
    private readonly ExactFaceIndex _centroids;
    private int _nextId;

    public FaceClusterer(int dimension, float threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        Threshold = threshold;
        _centroids = new ExactFaceIndex(dimension);
    }

    public int Dimension { get; }

    public float Threshold { get; }

    public int FaceCount => _faces.Count;

    public int PersonCount => _people.Count;

    /// <summary>
    /// Adds faces (L2-normalised embeddings, with a quality each where known: higher first) and returns each one's person
    /// id. Faces are numbered in the order added, across calls.
    /// </summary>
    public int[] Add(IReadOnlyList<float[]> embeddings, IReadOnlyList<float>? quality = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (quality is not null && quality.Count != embeddings.Count)
        {
            throw new ArgumentException($"{quality.Count} qualities for {embeddings.Count} faces.", nameof(quality));
        }

        int first = _faces.Count;
        foreach (var e in embeddings)
        {
            if (e.Length != Dimension)
            {
                throw new ArgumentException($"This clustering holds {Dimension}-d embeddings; got {e.Length}-d.", nameof(embeddings));
            }
        }

        for (int i = 0; i < embeddings.Count; i++)
        {
            _faces.Add(embeddings[i]);
            _personOf.Add(-1);
        }

        // Best quality first; ties keep the order given.
        int[] order = [.. Enumerable.Range(first, embeddings.Count).OrderByDescending(f => quality?[f - first] ?? 0).ThenBy(f => f)];
        for (int start = 0; start < order.Length; start += Chunk)
        {
            var chunk = order.AsSpan(start, Math.Min(Chunk, order.Length - start)).ToArray();
            var nearest = NearestPeople(chunk);
            int peopleBefore = _nextId;
            for (int i = 0; i < chunk.Length; i++)
            {
                int face = chunk[i];
                var (person, similarity) = nearest[i];

                // People started inside this chunk were not in the index when it was searched.
                for (int id = peopleBefore; id < _nextId; id++)
                {
                    if (_people.TryGetValue(id, out var p))
                    {
                        float s = TensorPrimitives.Dot(p.Centroid, _faces[face]);
                        if (s > similarity)
                        {
                            (person, similarity) = (id, s);
                        }
                    }
                }

                Join(face, similarity >= Threshold ? person : -1);
            }
        }

        return [.. Enumerable.Range(first, embeddings.Count).Select(f => _personOf[f])];
    }

    /// <summary>
    /// Moves every face to its nearest centroid (a new person where none is similar enough), then recomputes the
    /// centroids; repeated up to <paramref name="passes"/> times, or until nothing moves. People keep their ids;
    /// emptied people are gone.
    /// </summary>
    public void Refine(int passes = 1)
    {
        for (int pass = 0; pass < passes; pass++)
        {
            int[] all = [.. Enumerable.Range(0, _faces.Count)];
            var nearest = NearestPeople(all);
            var target = new int[all.Length];
            for (int f = 0; f < all.Length; f++)
            {
                target[f] = nearest[f].Similarity >= Threshold ? nearest[f].Person : -1;
            }

            int moved = 0;
            for (int f = 0; f < all.Length; f++)
            {
                if (target[f] != _personOf[f])
                {
                    Leave(f);
                    Join(f, target[f]);
                    moved++;
                }
            }

            if (moved == 0)
            {
                break;
            }
        }
    }

    /// <summary>The people so far, largest first, with those under <paramref name="minFaces"/> faces as noise.</summary>
    public ClusteringResult Result(int minFaces = ClusteringOptions.DefaultMinFaces)
    {
        var people = new List<PersonCluster>();
        var noise = new List<int>();
        foreach (var (id, p) in _people.OrderByDescending(kv => kv.Value.Members.Count).ThenBy(kv => kv.Key))
        {
            if (p.Members.Count < minFaces)
            {
                noise.AddRange(p.Members);
                continue;
            }

            int[] faces = [.. p.Members.Order()];
            int representative = faces.MaxBy(f => TensorPrimitives.Dot(p.Centroid, _faces[f]));
            people.Add(new PersonCluster(id, faces, representative, (float[])p.Centroid.Clone()));
        }

        noise.Sort();
        return new ClusteringResult(people, noise);
    }

    /// <summary>Clusters a whole set at once: one pass, the refinement passes, and the people of at least the minimum size.</summary>
    public static ClusteringResult Cluster(IReadOnlyList<float[]> embeddings, IReadOnlyList<float>? quality, float threshold, ClusteringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        options ??= ClusteringOptions.Default;
        var clusterer = new FaceClusterer(embeddings.Count > 0 ? embeddings[0].Length : 1, threshold);
        clusterer.Add(embeddings, quality);
        clusterer.Refine(options.RefinePasses);
        return clusterer.Result(options.MinFaces);
    }

    private (int Person, float Similarity)[] NearestPeople(int[] faces)
    {
        var nearest = new (int, float)[faces.Length];
        Parallel.For(0, faces.Length, i =>
        {
            var hits = _centroids.Search(_faces[faces[i]], 1);
            nearest[i] = hits.Count > 0 ? ((int)hits[0].Id, hits[0].Similarity) : (-1, float.NegativeInfinity);
        });
        return nearest;
    }

    private void Join(int face, int person)
    {
        if (person < 0)
        {
            person = _nextId++;
            _people[person] = new Person(Dimension);
        }

        var p = _people[person];
        p.Members.Add(face);
        TensorPrimitives.Add(p.Sum, _faces[face], p.Sum);
        p.UpdateCentroid();
        _centroids.Upsert(person, p.Centroid);
        _personOf[face] = person;
    }

    private void Leave(int face)
    {
        int person = _personOf[face];
        if (person < 0)
        {
            return;
        }

        var p = _people[person];
        p.Members.Remove(face);
        _personOf[face] = -1;
        if (p.Members.Count == 0)
        {
            _people.Remove(person);
            _centroids.Remove(person);
            return;
        }

        TensorPrimitives.Subtract(p.Sum, _faces[face], p.Sum);
        p.UpdateCentroid();
        _centroids.Upsert(person, p.Centroid);
    }

    private sealed class Person(int dimension)
    {
        public HashSet<int> Members { get; } = [];

        public float[] Sum { get; } = new float[dimension];

        public float[] Centroid { get; } = new float[dimension];

        public void UpdateCentroid() => TensorPrimitives.Divide(Sum, TensorPrimitives.Norm(Sum), Centroid);
    }
}
