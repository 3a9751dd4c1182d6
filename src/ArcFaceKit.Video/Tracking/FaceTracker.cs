using ArcFaceKit.Matching;
namespace ArcFaceKit.Tracking;

/// <summary>
/// Follows faces across frames in the manner of ByteTrack: Kalman-predicted boxes; confident detections matched first
/// (with confirmed and lost tracks), then low-score ones (with the confirmed tracks left, so a blurred or half-hidden face
/// keeps its track), then confident ones with tentative tracks; a lost track is kept for a buffer of time, and with
/// embeddings it can be re-linked by appearance wherever the face comes back, and tracks whose boxes touched are checked by
/// appearance once they part (<see cref="ToVerify"/>, <see cref="Verify"/>), since position alone swaps two faces that
/// cross and turn back. Call <see cref="Update"/> on frames with
/// detections and <see cref="Predict"/> on frames between them; timestamps never go back. Scene cuts are an input
/// (<see cref="EndAll"/>), not guessed from tracks vanishing together: a blurred frame or a detector miss loses every face
/// at once too, which is what the lost buffer is for, while the source sees the pixels that tell a cut.
/// Not thread-safe: one tracker follows one source. The same calls always give the same tracks.
/// </summary>
public sealed class FaceTracker
{
    // Boxes overlapping by more than this IoU are in contact (a swap is possible). Measured on the generated clips: any
    // overlap at all checked faces standing side by side too, for IDF1 85.0% against 85.9% at 0.1 (docs/video.md).
    private const float ContactOverlap = 0.1f;

    // A tentative track and a detection are compared with both boxes grown this much: seen once, the track has no velocity,
    // and at 5 analysed frames a second a walking face moves most of its width a frame, so it was never confirmed.
    private const float TentativeReach = 2f;

    private readonly TrackerOptions _options;
    private readonly List<LiveTrack> _tracks = [];
    private readonly List<LiveTrack> _ended = [];
    private TimeSpan? _clock;
    private int _lastId;

    public FaceTracker(TrackerOptions? options = null)
    {
        _options = options ?? TrackerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ConfirmHits, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.LostBuffer, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.LowScore, _options.HighScore, nameof(options));
    }

    /// <summary>
    /// Moves every track to <paramref name="timestamp"/> without detections (a frame not analysed). Returns the tracks not
    /// ended and those that ended now (unseen for longer than the lost buffer), by id.
    /// </summary>
    public IReadOnlyList<FaceTrack> Predict(TimeSpan timestamp)
    {
        Advance(timestamp);
        return Report();
    }

    /// <summary>
    /// Associates the detections of the frame at <paramref name="timestamp"/> with the tracks, starts tracks for confident
    /// faces left over, and returns the tracks not ended and those that ended now, by id.
    /// </summary>
    public IReadOnlyList<FaceTrack> Update(TimeSpan timestamp, IReadOnlyList<FaceObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        Advance(timestamp);
        var confident = observations.Where(o => o.Face.Score >= _options.HighScore).ToList();
        var weak = observations.Where(o => o.Face.Score >= _options.LowScore && o.Face.Score < _options.HighScore).ToList();
        var tentative = _tracks.Where(t => t.State == TrackState.Tentative).ToList();
        var taken = new bool[confident.Count];

        // 1. Confident detections with confirmed and lost tracks.
        var pool = _tracks.Where(Follows).ToList();
        var first = LinearAssignment.MinimiseBelow(AssociationCosts.Overlap(pool, confident, weighByScore: true), TrackerOptions.MatchCost);
        var missed = new List<LiveTrack>();
        for (int i = 0; i < pool.Count; i++)
        {
            if (first[i] < 0)
            {
                missed.Add(pool[i]);
                continue;
            }

            pool[i].Extend(confident[first[i]], timestamp, _options.ConfirmHits);
            taken[first[i]] = true;
        }

        // 2. Low-score detections keep the confirmed tracks left alive; those still unmatched are lost.
        var seenBefore = missed.Where(t => t.State == TrackState.Confirmed).ToList();
        var second = LinearAssignment.MinimiseBelow(AssociationCosts.Overlap(seenBefore, weak, weighByScore: false), TrackerOptions.LowScoreMatchCost);
        for (int i = 0; i < seenBefore.Count; i++)
        {
            if (second[i] >= 0)
            {
                seenBefore[i].Extend(weak[second[i]], timestamp, _options.ConfirmHits);
            }
            else
            {
                seenBefore[i].Lose();
            }
        }

        // 3. Confident detections left with tentative tracks: decided now, applied after re-linking, which may claim them.
        var left = Enumerable.Range(0, confident.Count).Where(j => !taken[j]).ToList();
        var third = LinearAssignment.MinimiseBelow(
            AssociationCosts.Overlap(tentative, [.. left.Select(j => confident[j])], weighByScore: true, grow: TentativeReach), TrackerOptions.TentativeMatchCost);
        var detectionOf = third.Select(j => j >= 0 ? left[j] : -1).ToArray();

        // 4. Lost tracks re-linked by appearance to detections that would start or extend a tentative track; a tentative
        // track whose detection a lost one takes ends, since it was that face's old track all along.
        var relinked = Relink(timestamp, confident, left);
        for (int i = 0; i < tentative.Count; i++)
        {
            int j = detectionOf[i];
            if (j >= 0 && !relinked.Contains(j))
            {
                tentative[i].Extend(confident[j], timestamp, _options.ConfirmHits);
                taken[j] = true;
            }
            else
            {
                Finish(tentative[i]);
            }
        }

        foreach (int j in relinked)
        {
            taken[j] = true;
        }

        // 5. Confident faces nobody took start tracks.
        foreach (int j in left.Where(j => !taken[j] && confident[j].Face.Score >= _options.NewTrackScore))
        {
            _tracks.Add(new LiveTrack(++_lastId, confident[j], timestamp, _options.ConfirmHits));
        }

        MarkContacts();
        return Report();
    }

    /// <summary>
    /// The tracks whose face to check by appearance now (<see cref="Verify"/>), when re-linking is on: confirmed ones whose
    /// box touched another's, matched on this frame and apart from every other track again; and, while some lost track
    /// could be re-linked, tracks just confirmed with no embedding yet, whose first one may show they are a lost face back
    /// (a face that came back next to someone was not embedded before association, so it started a track of its own).
    /// </summary>
    internal IReadOnlyList<FaceTrack> ToVerify()
    {
        if (_options.RelinkThreshold is null)
        {
            return [];
        }

        bool relinkable = CanRelink;
        var ready = new List<FaceTrack>();
        foreach (var track in _tracks.Where(t => t.State == TrackState.Confirmed && t.LastSeen == _clock))
        {
            if (track.Appearance is null ? relinkable : track.InDoubt && !Touches(track))
            {
                ready.Add(track.ToRecord());
            }
            else if (track.Appearance is null)
            {
                track.InDoubt = false;   // nothing to check its face against
            }
        }

        return ready;
    }

    /// <summary>
    /// Joins a confirmed track to a lost one the analysis found to be the same person (both named as one subject or one
    /// visitor) where appearance alone missed it: the lost track takes the face the other holds and goes on, with both
    /// appearances; the other ends. False, and nothing changes, unless the first is lost and the second confirmed.
    /// </summary>
    internal bool Merge(int lostId, int trackId)
    {
        var lost = _tracks.Find(t => t.Id == lostId);
        var track = _tracks.Find(t => t.Id == trackId);
        if (lost is not { State: TrackState.Lost } || track is not { State: TrackState.Confirmed })
        {
            return false;
        }

        lost.TakeOver(track.LastObservation, track.LastSeen);
        lost.Absorb(track);
        Finish(track);
        return true;
    }

    /// <summary>Whether the track is lost (not followed now, but not ended).</summary>
    internal bool IsLost(int trackId) => _tracks.Find(t => t.Id == trackId)?.State == TrackState.Lost;

    /// <summary>Whether the track is in doubt: its box touches, or touched, another's and has not been checked since.</summary>
    internal bool IsInDoubt(int trackId) => _tracks.Find(t => t.Id == trackId)?.InDoubt == true;

    /// <summary>
    /// Checks the faces of <see cref="ToVerify"/> tracks by appearance, as BoT-SORT associates, but only where position
    /// could have swapped two people or a lost face may be back: each face goes to the track, of those checked and those
    /// lost, whose appearance it matches best above the re-link threshold. A face that matches another track moves there
    /// (two people who crossed get their own tracks back; a track that jumped onto someone else is lost again; a track just
    /// begun ends, as it was the lost one all along); one that matches none stays. Returns the tracks not ended and those
    /// that ended now, by id.
    /// </summary>
    internal IReadOnlyList<FaceTrack> Verify(IReadOnlyList<TrackFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var holders = faces.Select(f => _tracks.Single(t => t.Id == f.TrackId)).ToList();
        var candidates = holders.Concat(_tracks.Where(t => t.State == TrackState.Lost && t.Appearance is not null)).ToList();
        var cost = new double[faces.Count, candidates.Count];
        for (int i = 0; i < faces.Count; i++)
        {
            for (int k = 0; k < candidates.Count; k++)
            {
                cost[i, k] = candidates[k].Appearance is { } appearance ? 1 - appearance.Similarity(faces[i].Embedding) : double.PositiveInfinity;
            }
        }

        var pairs = LinearAssignment.MinimiseBelow(cost, 1 - _options.RelinkThreshold!.Cosine);
        var observations = holders.Select(h => h.LastObservation).ToList();
        var given = new HashSet<LiveTrack>();
        for (int i = 0; i < faces.Count; i++)
        {
            holders[i].InDoubt = false;
            if (pairs[i] >= 0)
            {
                var owner = candidates[pairs[i]];
                if (owner != holders[i])
                {
                    owner.TakeOver(observations[i], _clock!.Value);
                }

                owner.Observe(faces[i].Embedding);
                given.Add(owner);
            }
        }

        // A face that matches no track stays where it was (a new track's first look), or starts a track when its holder
        // was given another face.
        for (int i = 0; i < faces.Count; i++)
        {
            if (pairs[i] >= 0)
            {
                continue;
            }

            if (!given.Add(holders[i]))
            {
                _tracks.Add(new LiveTrack(++_lastId, observations[i] with { Embedding = faces[i].Embedding }, _clock!.Value, _options.ConfirmHits));
            }
            else if (holders[i].Appearance is null)
            {
                holders[i].Observe(faces[i].Embedding);
            }
        }

        foreach (var holder in holders.Where(h => !given.Contains(h)))
        {
            if (holder.Appearance is null)
            {
                Finish(holder);
            }
            else
            {
                holder.Displace();
            }
        }

        return Report();
    }

    /// <summary>Ends every track at <paramref name="timestamp"/>: a scene cut, or the end of the source. Returns them, by id.</summary>
    public IReadOnlyList<FaceTrack> EndAll(TimeSpan timestamp)
    {
        Advance(timestamp);
        foreach (var track in _tracks.ToList())
        {
            Finish(track);
        }

        return Report();
    }

    /// <summary>Whether a lost track could be re-linked by appearance now: only then is a new track's first embedding checked (<see cref="ToVerify"/>).</summary>
    internal bool CanRelink => _options.RelinkThreshold is not null && _tracks.Any(t => t.State == TrackState.Lost && t.Appearance is not null);

    /// <summary>Adds an embedding of a track's face, made after <see cref="Update"/>, to the track's appearance.</summary>
    internal void Observe(int trackId, float[] embedding) => _tracks.Find(t => t.Id == trackId)?.Observe(embedding);

    /// <summary>Pairs lost tracks with the detections at <paramref name="candidates"/>; returns the detections taken.</summary>
    private HashSet<int> Relink(TimeSpan timestamp, List<FaceObservation> confident, List<int> candidates)
    {
        if (_options.RelinkThreshold is not { } threshold)
        {
            return [];
        }

        var lost = _tracks.Where(t => t.State == TrackState.Lost && t.Appearance is not null).ToList();
        var costs = AssociationCosts.Appearance(lost, [.. candidates.Select(j => confident[j])]);
        var pairs = LinearAssignment.MinimiseBelow(costs, 1 - threshold.Cosine);
        var taken = new HashSet<int>();
        for (int i = 0; i < lost.Count; i++)
        {
            if (pairs[i] >= 0)
            {
                int j = candidates[pairs[i]];
                lost[i].Relink(confident[j], timestamp, _options.ConfirmHits);
                taken.Add(j);
            }
        }

        return taken;
    }

    /// <summary>Predicts every track at <paramref name="timestamp"/> and ends those unseen for longer than the lost buffer.</summary>
    private void Advance(TimeSpan timestamp)
    {
        if (_clock is { } now && timestamp < now)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, $"Frames must come in time order; the last was at {now}.");
        }

        double frames = (timestamp - (_clock ?? timestamp)).TotalSeconds * BoxKalmanFilter.FramesPerSecond;
        _clock = timestamp;
        foreach (var track in _tracks.ToList())
        {
            track.Predict(frames);
            var unseen = timestamp - track.LastSeen;
            if (unseen > _options.LostBuffer && (_options.RelinkThreshold is null || track.Appearance is null || unseen > (_options.RelinkBuffer ?? _options.LostBuffer)))
            {
                Finish(track);
            }
        }
    }

    /// <summary>Marks in doubt the confirmed and lost tracks whose boxes touch: where position alone may swap two faces.</summary>
    private void MarkContacts()
    {
        foreach (var track in _tracks.Where(t => Follows(t) && Touches(t)))
        {
            track.InDoubt = true;
        }
    }

    private bool Touches(LiveTrack track) => _tracks.Any(t => t != track && Follows(t) && t.Box.IoU(track.Box) > ContactOverlap);

    /// <summary>Confirmed, or lost within the lost buffer: a track whose box is still where its face is thought to be.</summary>
    private bool Follows(LiveTrack track) =>
        track.State == TrackState.Confirmed || (track.State == TrackState.Lost && !track.Displaced && _clock - track.LastSeen <= _options.LostBuffer);

    private void Finish(LiveTrack track)
    {
        track.End();
        _tracks.Remove(track);
        _ended.Add(track);
    }

    private List<FaceTrack> Report()
    {
        var report = _tracks.Concat(_ended).OrderBy(t => t.Id).Select(t => t.ToRecord()).ToList();
        _ended.Clear();
        return report;
    }
}
