namespace ArcFaceKit.Tracking;

/// <summary>The cost matrices of the tracker's association stages: tracks in rows, detections in columns.</summary>
internal static class AssociationCosts
{
    /// <summary>
    /// 1 - IoU of each track's predicted box with each detection; with <paramref name="weighByScore"/> the IoU is first
    /// multiplied by the detection's score (ByteTrack's fuse_score), so of two overlapping detections the surer one wins.
    /// </summary>
    public static double[,] Overlap(IReadOnlyList<LiveTrack> tracks, IReadOnlyList<FaceObservation> detections, bool weighByScore)
    {
        var cost = new double[tracks.Count, detections.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            var box = tracks[i].Box;
            for (int j = 0; j < detections.Count; j++)
            {
                var face = detections[j].Face;
                double overlap = box.IoU(face.Box);
                cost[i, j] = 1 - (weighByScore ? overlap * face.Score : overlap);
            }
        }

        return cost;
    }

    /// <summary>1 - cosine similarity of each track's appearance with each detection's embedding; infinite where either is missing.</summary>
    public static double[,] Appearance(IReadOnlyList<LiveTrack> tracks, IReadOnlyList<FaceObservation> detections)
    {
        var cost = new double[tracks.Count, detections.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            for (int j = 0; j < detections.Count; j++)
            {
                cost[i, j] = tracks[i].Appearance is { } appearance && detections[j].Embedding is { } embedding
                    ? 1 - appearance.Similarity(embedding)
                    : double.PositiveInfinity;
            }
        }

        return cost;
    }
}
