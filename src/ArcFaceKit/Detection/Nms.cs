namespace ArcFaceKit.Detection;

/// <summary>Greedy non-maximum suppression.</summary>
public static class Nms
{
    public static List<DetectedFace> Apply(IEnumerable<DetectedFace> candidates, float iouThreshold)
    {
        var sorted = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<DetectedFace>();
        foreach (var c in sorted)
        {
            if (kept.TrueForAll(k => k.Box.IoU(c.Box) <= iouThreshold))
            {
                kept.Add(c);
            }
        }

        return kept;
    }
}
