using ArcFaceKit.Pipeline;
using ArcFaceKit.Recognition;

namespace ArcFaceKit.Video;

/// <summary>
/// What the analysis knows of one track: its embedded faces, when the next is due, and whom the track is named as. The
/// schedule is Frigate's idea (a few attempts a track, the best faces) with growing intervals, so a track costs a
/// bounded number of embedder runs however long it lasts.
/// </summary>
internal sealed class TrackRecognition(int trackId, TimeSpan firstSeen)
{
    private readonly List<TrackSample> _samples = [];
    private TimeSpan? _lastEmbedded;
    private float _bestWaiting;
    private float _bestWeight = float.NegativeInfinity;

    public int TrackId { get; } = trackId;

    public TimeSpan FirstSeen { get; } = firstSeen;

    public TimeSpan LastSeen { get; set; } = firstSeen;

    public string? Person { get; set; }

    public bool IsVisitor { get; set; }

    public float Similarity { get; set; } = float.NaN;

    /// <summary>The best-weighted face embedded so far.</summary>
    public FaceRecord? BestFace { get; private set; }

    public IReadOnlyList<TrackSample> Samples => _samples;

    private bool IsNamedSubject => Person is not null && !IsVisitor;

    /// <summary>
    /// Whether to embed the track's face on this frame, given its detection score (size, pose, confidence): the first
    /// frame at once; later, once the interval since the last has passed, the first frame as good as the best seen while
    /// waiting (or any frame once twice the interval has passed).
    /// </summary>
    public bool IsDue(TimeSpan now, float detectionScore, VideoAnalysisOptions options)
    {
        int cap = IsNamedSubject ? Math.Max(options.MinAgreeingFaces, options.MaxEmbeddingsPerTrack / 2) : options.MaxEmbeddingsPerTrack;
        if (_samples.Count >= cap)
        {
            return false;
        }

        if (_lastEmbedded is not { } last)
        {
            return true;
        }

        var interval = options.FirstInterval * Math.Pow(2, _samples.Count - 1) * (IsNamedSubject ? 4 : 1);
        var waited = now - last;
        bool due = waited >= interval && (detectionScore >= 0.9f * _bestWaiting || waited >= 2 * interval);
        _bestWaiting = due ? 0 : Math.Max(_bestWaiting, detectionScore);
        return due;
    }

    public void Add(FaceRecord face, TrackSample sample, TimeSpan now)
    {
        _samples.Add(sample);
        _lastEmbedded = now;
        _bestWaiting = 0;
        if (sample.Weight > _bestWeight)
        {
            _bestWeight = sample.Weight;
            BestFace = face;
        }
    }

    /// <summary>Drops a subject erased from the gallery: its faces' own matches to it, and the track's name when it was the subject's.</summary>
    public void Forget(string subject)
    {
        for (int i = 0; i < _samples.Count; i++)
        {
            if (_samples[i].OwnMatch == subject)
            {
                _samples[i] = _samples[i] with { OwnMatch = null };
            }
        }

        if (IsNamedSubject && Person == subject)
        {
            (Person, Similarity) = (null, float.NaN);
        }
    }

    /// <summary>Takes in the faces of another track found to be the same person.</summary>
    public void Absorb(TrackRecognition other)
    {
        _samples.AddRange(other._samples);
        if (other._bestWeight > _bestWeight)
        {
            (BestFace, _bestWeight) = (other.BestFace, other._bestWeight);
        }

        LastSeen = other.LastSeen > LastSeen ? other.LastSeen : LastSeen;
    }

    /// <summary>The quality-weighted mean of the chosen samples' embeddings, L2-normalised; null when none is chosen.</summary>
    public float[]? Template(Func<TrackSample, bool> chosen)
    {
        float[]? sum = null;
        foreach (var sample in _samples.Where(chosen))
        {
            sum ??= new float[sample.Embedding.Length];
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += sample.Weight * sample.Embedding[i];
            }
        }

        if (sum is not null)
        {
            Embeddings.Normalize(sum);
        }

        return sum;
    }
}
