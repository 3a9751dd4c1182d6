using ArcFaceKit.Clustering;
using ArcFaceKit.Video;

namespace ArcFaceKit.Cli;

/// <summary>
/// Who appears in a folder of videos: named tracks are their subject; unknown tracks (visitor ids hold only within one
/// video) are grouped across videos by their templates with the toolkit's clusterer at its threshold for the embedder.
/// </summary>
internal sealed class VideoPeople(float threshold)
{
    private readonly List<(string Source, VideoEvent Track)> _tracks = [];

    public void Add(string source, IReadOnlyList<VideoEvent> endedTracks) =>
        _tracks.AddRange(endedTracks.Where(t => t.Person is not null && t.Template is not null).Select(t => (source, t)));

    public IReadOnlyList<VideoPersonJson> Group()
    {
        var people = new List<VideoPersonJson>();
        foreach (var named in _tracks.Where(t => !t.Track.IsVisitor).GroupBy(t => t.Track.Person!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            people.Add(new VideoPersonJson(named.Key, false, [.. named.Select(Appearance)]));
        }

        var unknown = _tracks.Where(t => t.Track.IsVisitor).ToList();
        if (unknown.Count > 0)
        {
            var clusterer = new FaceClusterer(unknown[0].Track.Template!.Length, threshold);
            var ids = clusterer.Add([.. unknown.Select(t => t.Track.Template!)]);
            int next = 0;
            foreach (var group in unknown.Zip(ids).GroupBy(p => p.Second).OrderBy(g => g.Key))
            {
                people.Add(new VideoPersonJson($"unknown-{++next}", true, [.. group.Select(p => Appearance(p.First))]));
            }
        }

        return people;
    }

    private static VideoAppearanceJson Appearance((string Source, VideoEvent Track) t) =>
        new(t.Source, t.Track.TrackId, t.Track.Person!, Math.Round(t.Track.FirstSeen.TotalSeconds, 3), Math.Round(t.Track.LastSeen.TotalSeconds, 3));
}

/// <summary>One person of a folder of videos and where they appear (`people.json`).</summary>
internal sealed record VideoPersonJson(string Person, bool Unknown, IReadOnlyList<VideoAppearanceJson> Appearances);

/// <summary>A track of one video: which video, its id there, the name it had there (subject or that video's visitor id), when.</summary>
internal sealed record VideoAppearanceJson(string Source, int Track, string NameInVideo, double FirstSeen, double LastSeen);
