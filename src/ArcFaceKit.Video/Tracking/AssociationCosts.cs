using ArcFaceKit.Detection;

namespace ArcFaceKit.Tracking;

/// <summary>The cost matrices of the tracker's association stages: tracks in rows, detections in columns.</summary>
internal static class AssociationCosts
{
    /// <summary>
    /// 1 - IoU of each track's predicted box with each detection; with <paramref name="weighByScore"/> the IoU is first
    /// multiplied by the detection's score (ByteTrack's fuse_score), so of two overlapping detections the surer one wins.
    /// <paramref name="grow"/> enlarges both boxes about their centres first: a track seen once has no velocity to
    /// predict with, and at a few frames a second a walking face moves most of its width between frames.
    /// </summary>
    public static double[,] Overlap(IReadOnlyList<LiveTrack> tracks, IReadOnlyList<FaceObservation> detections, bool weighByScore, float grow = 1)
    {
        var cost = new double[tracks.Count, detections.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            var box = Grown(tracks[i].Box, grow);
            for (int j = 0; j < detections.Count; j++)
            {
                var face = detections[j].Face;
                double overlap = box.IoU(Grown(face.Box, grow));
                cost[i, j] = 1 - (weighByScore ? overlap * face.Score : overlap);
            }
        }

        return cost;
    }

    public static FaceBox Grown(FaceBox box, float factor) => factor == 1 ? box
        : new(box.X - ((factor - 1) * box.Width / 2), box.Y - ((factor - 1) * box.Height / 2), factor * box.Width, factor * box.Height);

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
