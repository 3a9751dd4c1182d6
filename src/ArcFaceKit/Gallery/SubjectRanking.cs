namespace ArcFaceKit.Gallery;

/// <summary>
/// The one 1:N rule: top-k subjects under a <see cref="SubjectScoring"/>, exact whenever the nearest-face and
/// nearest-template lists it is given are. Used by every gallery and by the identification protocol.
/// </summary>
internal static class SubjectRanking
{
    public static async Task<IReadOnlyList<SubjectMatch>> TopAsync(
        Func<int, Task<IReadOnlyList<FaceHit>>> nearestFaces,
        Func<int, Task<IReadOnlyList<TemplateHit>>> nearestTemplates,
        Func<IReadOnlyCollection<long>, Task<IReadOnlyList<SubjectMatch>>> score,
        int k, SubjectScoring scoring)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var scored = scoring switch
        {
            SubjectScoring.BestFace => await score(await BestFaceCandidatesAsync(nearestFaces, k).ConfigureAwait(false)).ConfigureAwait(false),
            SubjectScoring.MeanTemplate => await score([.. (await nearestTemplates(k).ConfigureAwait(false)).Select(t => t.SubjectId)]).ConfigureAwait(false),
            _ => await BothScoredAsync(nearestFaces, nearestTemplates, score, k).ConfigureAwait(false),
        };
        return [.. scored.Select(m => m with { Similarity = Value(m, scoring) })
            .OrderByDescending(m => m.Similarity).ThenBy(m => m.Subject, StringComparer.Ordinal).Take(k)];
    }

    public static float Value(SubjectMatch m, SubjectScoring scoring) => scoring switch
    {
        SubjectScoring.BestFace => m.FaceSimilarity,
        SubjectScoring.MeanTemplate => m.TemplateSimilarity,
        _ => (m.FaceSimilarity + m.TemplateSimilarity) / 2,
    };

    /// <summary>Asks for more faces until k distinct subjects are seen or the faces run out: a subject scores its best face.</summary>
    private static async Task<HashSet<long>> BestFaceCandidatesAsync(Func<int, Task<IReadOnlyList<FaceHit>>> nearestFaces, int k)
    {
        for (int n = k * 4; ; n *= 4)
        {
            var faces = await nearestFaces(n).ConfigureAwait(false);
            var subjects = new HashSet<long>();
            foreach (var f in faces)
            {
                if (subjects.Add(f.SubjectId) && subjects.Count == k)
                {
                    return subjects;
                }
            }

            if (faces.Count < n)
            {
                return subjects;
            }
        }
    }

    /// <summary>
    /// Fagin-style threshold search for the mean of the two scores: a subject in neither list has its best face below the
    /// last face seen and its template below the last template seen, so once the k-th score found is at least the mean
    /// of those two bounds, no unseen subject can enter the top k. Returns the candidates scored.
    /// </summary>
    private static async Task<IReadOnlyList<SubjectMatch>> BothScoredAsync(
        Func<int, Task<IReadOnlyList<FaceHit>>> nearestFaces, Func<int, Task<IReadOnlyList<TemplateHit>>> nearestTemplates,
        Func<IReadOnlyCollection<long>, Task<IReadOnlyList<SubjectMatch>>> score, int k)
    {
        for (int n = k * 4; ; n *= 4)
        {
            var faces = await nearestFaces(n).ConfigureAwait(false);
            var templates = await nearestTemplates(n).ConfigureAwait(false);
            var scored = await score(new HashSet<long>(faces.Select(f => f.SubjectId).Concat(templates.Select(t => t.SubjectId)))).ConfigureAwait(false);
            if (faces.Count < n && templates.Count < n)
            {
                return scored;      // every subject was seen
            }

            var scores = scored.Select(m => Value(m, SubjectScoring.Both)).OrderDescending().ToList();
            float faceBound = faces.Count < n ? -1f : faces[^1].Similarity;
            float templateBound = templates.Count < n ? -1f : templates[^1].Similarity;
            if (scores.Count >= k && scores[k - 1] >= (faceBound + templateBound) / 2)
            {
                return scored;
            }
        }
    }
}
