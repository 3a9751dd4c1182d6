using ArcFaceKit.Detection;

namespace ArcFaceKit.Tracking;

/// <summary>
/// One track at one moment. <paramref name="Box"/> is the Kalman filter's box: the smoothed detection on a frame where the
/// track was matched, the prediction on others. <paramref name="LastObservation"/> is the detection last matched, seen at
/// <paramref name="LastSeen"/>; <paramref name="FirstSeen"/> is when the track began.
/// </summary>
public sealed record FaceTrack(
    int Id, TrackState State, FaceBox Box, FaceObservation LastObservation, TimeSpan FirstSeen, TimeSpan LastSeen);
