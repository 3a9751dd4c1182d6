using ArcFaceKit.Contracts;

namespace ArcFaceKit.Server.Videos;

/// <summary>
/// A video job as answered: its state (queued, running, done, failed, cancelled) and why it failed, when it was made,
/// started and finished, the video's size, length and the analysis rate asked (null: every frame), how far it has got
/// (0 to 1, of the video's length), and the summary so far: frames, seconds, tracks, embedder runs, subjects and visitors.
/// </summary>
public sealed record VideoJobJson(
    string Id, string State, string? Message, DateTimeOffset CreatedUtc, DateTimeOffset? StartedUtc, DateTimeOffset? FinishedUtc,
    int Width, int Height, double? Duration, double? Fps, double Progress, VideoSummaryJson Summary);
