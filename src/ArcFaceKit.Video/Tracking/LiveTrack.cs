using ArcFaceKit.Detection;

namespace ArcFaceKit.Tracking;

/// <summary>A track the tracker is following: its motion, its appearance and its life so far.</summary>
internal sealed class LiveTrack
{
    private readonly BoxKalmanFilter _motion;
    private int _hits;

    public LiveTrack(int id, FaceObservation observation, TimeSpan timestamp, int confirmHits)
    {
        Id = id;
        _motion = new BoxKalmanFilter(observation.Face.Box);
        FirstSeen = timestamp;
        See(observation, timestamp, confirmHits);
    }

    public int Id { get; }

    public TrackState State { get; private set; } = TrackState.Tentative;

    public FaceObservation LastObservation { get; private set; } = null!;

    public TimeSpan FirstSeen { get; }

    public TimeSpan LastSeen { get; private set; }

    public TrackAppearance? Appearance { get; private set; }

    public FaceBox Box => _motion.Box;

    /// <summary>
    /// Set while the track's box touches another's: association by position may have swapped the two faces, so the face
    /// is checked by appearance once the boxes part (<see cref="FaceTracker.Verify"/>).
    /// </summary>
    public bool InDoubt { get; set; }

    /// <summary>Moves the predicted box <paramref name="frames"/> frames of 1/30 s ahead.</summary>
    public void Predict(double frames) => _motion.Predict(frames, State != TrackState.Lost);

    /// <summary>Matched by position: the filter is corrected by the detection; a lost track is confirmed again.</summary>
    public void Extend(FaceObservation observation, TimeSpan timestamp, int confirmHits)
    {
        _motion.Update(observation.Face.Box);
        See(observation, timestamp, confirmHits);
    }

    /// <summary>Found again by appearance, perhaps far from where it was lost: motion starts over at the new box.</summary>
    public void Relink(FaceObservation observation, TimeSpan timestamp, int confirmHits)
    {
        _motion.Reset(observation.Face.Box);
        See(observation, timestamp, confirmHits);
    }

    /// <summary>Handed a face another track had taken (a swap found by appearance): motion starts over at its box.</summary>
    public void TakeOver(FaceObservation observation, TimeSpan timestamp)
    {
        _motion.Reset(observation.Face.Box);
        LastObservation = observation;
        LastSeen = timestamp;
        State = TrackState.Confirmed;
        Displaced = false;
    }

    public void Lose() => State = TrackState.Lost;

    /// <summary>
    /// Lost because the face it held was someone else's: its box followed that face, so only appearance can find it again.
    /// </summary>
    public void Displace()
    {
        State = TrackState.Lost;
        Displaced = true;
    }

    /// <summary>Set by <see cref="Displace"/> until the track is found again: its box says nothing of where its face is.</summary>
    public bool Displaced { get; private set; }

    public void End() => State = TrackState.Ended;

    public FaceTrack ToRecord() => new(Id, State, Box, LastObservation, FirstSeen, LastSeen);

    private void See(FaceObservation observation, TimeSpan timestamp, int confirmHits)
    {
        Displaced = false;
        LastObservation = observation;
        LastSeen = timestamp;
        _hits++;
        if (State == TrackState.Lost || _hits >= confirmHits)
        {
            State = TrackState.Confirmed;
        }

        if (observation.Embedding is { } embedding)
        {
            Observe(embedding);
        }
    }

    /// <summary>Takes in another track's appearance: the two were one person.</summary>
    public void Absorb(LiveTrack other)
    {
        if (other.Appearance is { } appearance)
        {
            if (Appearance is null)
            {
                Appearance = appearance;
            }
            else
            {
                Appearance.Add(appearance);
            }
        }
    }

    /// <summary>An embedding of the track's face made after association (the analysis embeds only some frames).</summary>
    public void Observe(float[] embedding)
    {
        if (Appearance is null)
        {
            Appearance = new TrackAppearance(embedding);
        }
        else
        {
            Appearance.Add(embedding);
        }
    }
}
