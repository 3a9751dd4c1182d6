namespace ArcFaceKit.Video;

/// <summary>
/// Visits: a person's tracks less than the gap apart are one visit, so one arrival is one <see cref="VideoEventKind.Arrived"/>
/// and one <see cref="VideoEventKind.Left"/> (with the visit's last track) however often the face is lost and found.
/// </summary>
internal sealed class VisitLog(TimeSpan gap)
{
    private readonly Dictionary<string, (bool IsVisitor, int TrackId, TimeSpan FirstSeen, TimeSpan LastSeen)> _open = [];

    /// <summary>A track of the person was seen at <paramref name="lastSeen"/>; true when this starts a visit.</summary>
    public bool Seen(string person, bool isVisitor, int trackId, TimeSpan firstSeen, TimeSpan lastSeen)
    {
        if (_open.TryGetValue(person, out var visit))
        {
            _open[person] = lastSeen >= visit.LastSeen ? (isVisitor, trackId, visit.FirstSeen, lastSeen) : visit;
            return false;
        }

        _open[person] = (isVisitor, trackId, firstSeen, lastSeen);
        return true;
    }

    /// <summary>Ends a subject's visit without an event: the subject was erased, and no event may name it any more.</summary>
    public void Forget(string subject)
    {
        if (_open.TryGetValue(subject, out var visit) && !visit.IsVisitor)
        {
            _open.Remove(subject);
        }
    }

    /// <summary>The visits that are over at <paramref name="now"/> (all of them when <paramref name="now"/> is null: the end), closed.</summary>
    public IReadOnlyList<VideoEvent> Close(TimeSpan? now, IReadOnlySet<string> present)
    {
        var over = _open.Where(v => !present.Contains(v.Key) && (now is not { } t || t - v.Value.LastSeen >= gap)).OrderBy(v => v.Value.LastSeen).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();
        foreach (var visit in over)
        {
            _open.Remove(visit.Key);
        }

        return [.. over.Select(v => new VideoEvent(VideoEventKind.Left, v.Value.TrackId, v.Key, v.Value.IsVisitor, float.NaN, v.Value.FirstSeen, v.Value.LastSeen, null))];
    }
}
