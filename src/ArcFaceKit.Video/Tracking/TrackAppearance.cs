using ArcFaceKit.Matching;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Tracking;

/// <summary>
/// A track's face as an exponential moving average of its embeddings, renormalised, as BoT-SORT keeps its appearance
/// (alpha 0.9): one turned or blurred face moves it little, so a lost track is re-linked by how it mostly looked.
/// </summary>
internal sealed class TrackAppearance
{
    private const float Momentum = 0.9f;

    private readonly float[] _vector;

    public TrackAppearance(float[] embedding)
    {
        _vector = [.. embedding];
        Embeddings.Normalize(_vector);
    }

    public float Similarity(float[] embedding) => CosineSimilarity.Between(_vector, embedding);

    public void Add(TrackAppearance other) => Add(other._vector);

    public void Add(float[] embedding)
    {
        if (embedding.Length != _vector.Length)
        {
            throw new ArgumentException($"An embedding of {embedding.Length} values for a track whose embeddings have {_vector.Length}.", nameof(embedding));
        }

        var added = embedding.ToArray();
        Embeddings.Normalize(added);
        for (int i = 0; i < _vector.Length; i++)
        {
            _vector[i] = Momentum * _vector[i] + (1 - Momentum) * added[i];
        }

        Embeddings.Normalize(_vector);
    }
}
