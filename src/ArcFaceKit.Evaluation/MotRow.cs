using ArcFaceKit.Detection;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// One box of one object in one frame, as a line of the MOTChallenge text format: frame (from 1), id, box in pixels,
/// confidence; for ground truth, <paramref name="Confidence"/> 0 marks a box to ignore (MOTChallenge's "not considered"),
/// and <paramref name="Class"/> and <paramref name="Visibility"/> (0..1) follow MOT17's ground truth, -1 where not given.
/// </summary>
public sealed record MotRow(int Frame, int Id, FaceBox Box, float Confidence = 1, int Class = -1, float Visibility = -1)
{
    /// <summary>A ground-truth box marked not to be counted.</summary>
    public bool Ignored => Confidence == 0;
}
