namespace ArcFaceKit.Server.Storage;

/// <summary>
/// Top-k subjects from a face-level nearest-neighbour list: a subject scores its best face. Asks for more faces
/// until k distinct subjects are found or every face was seen (fewer returned than asked, or the gallery size
/// reached; pass int.MaxValue when that is not known cheaply), so the answer is exact when the face list is.
/// </summary>
public static class TopSubjects
{
    public static IReadOnlyList<SubjectHit> Collect(Func<int, IReadOnlyList<SubjectHit>> nearestFaces, int k, int totalFaces)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int n = (int)Math.Min(totalFaces, k * 4L);
        while (true)
        {
            var best = new List<SubjectHit>(k);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var faces = nearestFaces(n);
            foreach (var hit in faces)
            {
                if (seen.Add(hit.Subject))
                {
                    best.Add(hit);
                    if (best.Count == k)
                    {
                        return best;
                    }
                }
            }

            if (n >= totalFaces || faces.Count < n)
            {
                return best;
            }

            n = (int)Math.Min(totalFaces, n * 4L);
        }
    }
}
