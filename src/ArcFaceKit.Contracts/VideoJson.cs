using ArcFaceKit.Video;

namespace ArcFaceKit.Contracts;

/// <summary>
/// One event of a video analysis on the wire (a JSON line of `arcface video --json`): times in seconds of the source,
/// <paramref name="Person"/> a subject's name or a visitor's id, <paramref name="Face"/> where the track's best face was written.
/// </summary>
public sealed record VideoEventJson(
    string Source, string Event, int Track, string? Person, bool Visitor, float? Similarity, double FirstSeen, double LastSeen, string? Face)
{
    public static VideoEventJson From(VideoEvent e, string source, string? face = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(source, Name(e.Kind), e.TrackId, e.Person, e.IsVisitor, float.IsNaN(e.Similarity) ? null : e.Similarity,
            Math.Round(e.FirstSeen.TotalSeconds, 3), Math.Round(e.LastSeen.TotalSeconds, 3), face);
    }

    /// <summary>The events' names on the wire, one a <see cref="VideoEventKind"/>.</summary>
    public static IReadOnlyList<string> EventNames { get; } = [.. Enum.GetValues<VideoEventKind>().Select(Name)];

    private static string Name(VideoEventKind kind) => kind switch
    {
        VideoEventKind.TrackStarted => "track-started",
        VideoEventKind.Identified => "identified",
        VideoEventKind.Revised => "revised",
        VideoEventKind.TrackEnded => "track-ended",
        VideoEventKind.Arrived => "arrived",
        _ => "left",
    };
}

/// <summary>The summary `arcface video --json` ends with: what was read, how fast, and who was there.</summary>
public sealed record VideoSummaryJson(
    string Source, long Frames, double Seconds, double RealTimeFactor, int Tracks, int EmbeddedFaces, IReadOnlyList<string> Subjects, IReadOnlyList<string> Visitors);
