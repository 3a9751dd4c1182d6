using System.Diagnostics;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Video;
using Spectre.Console;

namespace ArcFaceKit.Cli;

/// <summary>One `arcface video` run: frames through the analyzer into the outputs, with a progress bar for files and events as they happen.</summary>
internal sealed class VideoRun(VideoSource source, VideoAnalyzer analyzer, VideoOutputs outputs, bool json)
{
    private readonly HashSet<int> _tracks = [];
    private readonly Dictionary<int, VideoEventJson> _ended = [];
    private readonly List<VideoEvent> _endedTracks = [];
    private long _frames;
    private TimeSpan _last;

    /// <summary>The end event of every track, in order.</summary>
    public IReadOnlyList<VideoEvent> EndedTracks => _endedTracks;

    public async Task<VideoSummaryJson> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long? total = source.IsLive ? null : source.Info?.FrameCount;
        if (json || total is null || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(cancellationToken), cancellationToken))
            {
                await RecordAsync(frame, cancellationToken);
            }
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("frames", maxValue: total.Value);
                await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(cancellationToken), cancellationToken))
                {
                    await RecordAsync(frame, cancellationToken);
                    task.Value = Math.Min(_frames, total.Value);
                    task.Description = $"{_frames} frames, {_last.TotalSeconds / clock.Elapsed.TotalSeconds:F1}x real time, {_tracks.Count} tracks, {People().Count} people";
                }
            });
        }

        var people = _ended.Values.Where(e => e.Person is not null).ToList();
        return new VideoSummaryJson(
            source.Location, _frames, Math.Round(_last.TotalSeconds, 3), Math.Round(_last.TotalSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 2),
            _tracks.Count, analyzer.EmbeddedFaces,
            [.. people.Where(e => !e.Visitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)],
            [.. people.Where(e => e.Visitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)]);
    }

    private HashSet<string> People() => [.. _ended.Values.Select(e => e.Person).OfType<string>()];

    private async Task RecordAsync(AnalyzedFrame frame, CancellationToken cancellationToken)
    {
        _frames = Math.Max(_frames, frame.Frame.Index + 1);
        _last = frame.Frame.Timestamp;
        _endedTracks.AddRange(frame.Events.Where(e => e.Kind == VideoEventKind.TrackEnded));
        foreach (var e in await outputs.AddAsync(frame, cancellationToken))
        {
            if (e.Event == "track-started")
            {
                _tracks.Add(e.Track);
            }
            else if (e.Event == "track-ended")
            {
                _ended[e.Track] = e;
            }

            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(e, JsonShapes.Options));
            }
            else if (e.Event is "identified" or "revised" or "arrived" or "left")
            {
                AnsiConsole.MarkupLine($"[grey]{e.LastSeen,8:F2}s[/] {e.Event,-10} track {e.Track} {Markup.Escape(e.Person ?? "")}{(e.Similarity is { } s ? $" {s:F3}" : "")}");
            }
        }
    }
}
