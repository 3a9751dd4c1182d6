using ArcFaceKit.Matching;

namespace ArcFaceKit.Tracking;

/// <summary>
/// How the face tracker associates detections with tracks. The defaults are ByteTrack's published settings
/// (ifzhang/ByteTrack: tools/track.py, the MOT17 evaluation, and yolox/tracker/byte_tracker.py), with its frame counts
/// turned into time at the 30 frames a second it was tuned at. Costs are 1 - IoU of a track's predicted box and a
/// detection; for confident detections the IoU is first multiplied by the detection's score, as ByteTrack does.
/// </summary>
public sealed record TrackerOptions
{
    /// <summary>Detections at or above this score are confident: matched first, and may start tracks. ByteTrack: 0.6.</summary>
    public float HighScore { get; init; } = 0.6f;

    /// <summary>
    /// Detections from this score up to <see cref="HighScore"/> only keep existing tracks alive (a blurred, turned or
    /// half-hidden face); below it they are ignored. ByteTrack: 0.1, so run the detector with a threshold this low.
    /// </summary>
    public float LowScore { get; init; } = 0.1f;

    /// <summary>The least score that starts a new track. ByteTrack: its confident threshold + 0.1, so 0.7.</summary>
    public float NewTrackScore { get; init; } = 0.7f;

    /// <summary>
    /// Consecutive detection frames a track needs to be confirmed. 2: ByteTrack activates a track on its second match,
    /// which at 5 analysed frames a second confirms a face 0.2 s after it appears.
    /// </summary>
    public int ConfirmHits { get; init; } = 2;

    /// <summary>
    /// How long a lost track may be found again, measured in the frames' timestamps (sources may be sampled or drop frames).
    /// ByteTrack keeps lost tracks 30 frames: 1 s at the 30 frames a second it was tuned at.
    /// </summary>
    public TimeSpan LostBuffer { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Appearance re-linking: a lost track takes a new detection (one that would start or extend a tentative track) whose
    /// embedding's cosine similarity with the track's appearance is above this threshold, wherever the face reappears.
    /// Null (the default): no re-linking, since the threshold belongs to the embedding model; give the model's strict one
    /// (<see cref="SimilarityThreshold.FromManifest"/>, FAR 1e-3), because a wrong re-link joins two people into one track.
    /// </summary>
    public SimilarityThreshold? RelinkThreshold { get; init; }

    /// <summary>
    /// How long a lost track with an appearance may still be re-linked by it once the <see cref="LostBuffer"/> is past
    /// (position no longer counts then, only the face): someone who leaves and comes back keeps their track. Null: the
    /// lost buffer. Used only with <see cref="RelinkThreshold"/>.
    /// </summary>
    public TimeSpan? RelinkBuffer { get; init; }

    public static TrackerOptions Default { get; } = new();

    // The association limits are ByteTrack's fixed ones, not options: they are tuned together with its Kalman filter.

    /// <summary>Largest cost of a confident detection's match with a confirmed or lost track: match_thresh 0.8 (its demo; 0.9 in its MOT17 run).</summary>
    internal const double MatchCost = 0.8;

    /// <summary>Largest cost of a low-score detection's match with a confirmed track (IoU above 0.5).</summary>
    internal const double LowScoreMatchCost = 0.5;

    /// <summary>Largest cost of a confident detection's match with a tentative track.</summary>
    internal const double TentativeMatchCost = 0.7;
}
