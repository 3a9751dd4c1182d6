using System.Diagnostics;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Video;
using Spectre.Console;

namespace ArcFaceKit.Cli;

/// <summary>One `arcface video` run: frames through the analyzer into the outputs, with a progress bar for files and events as they happen.</summary>
internal sealed class VideoRun(VideoSource source, VideoAnalyzer analyzer, VideoOutputs outputs, bool json)
{
    private readonly List<VideoEvent> _endedTracks = [];
    private int _tracks;
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
            await AnalyzeAsync(null, cancellationToken);
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(progress =>
            {
                var task = progress.AddTask("frames", maxValue: total.Value);
                return AnalyzeAsync(() =>
                {
                    task.Value = Math.Min(_frames, total.Value);
                    task.Description = $"{_frames} frames, {_last.TotalSeconds / clock.Elapsed.TotalSeconds:F1}x real time, {_tracks} tracks, {People().Count()} people";
                }, cancellationToken);
            });
        }

        var named = _endedTracks.Where(e => e.Person is not null).ToList();
        return new VideoSummaryJson(
            source.Location, _frames, Math.Round(_last.TotalSeconds, 3), Math.Round(_last.TotalSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 2),
            _tracks, analyzer.EmbeddedFaces,
            [.. named.Where(e => !e.IsVisitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)],
            [.. named.Where(e => e.IsVisitor).Select(e => e.Person!).Distinct().Order(StringComparer.Ordinal)]);
    }

    private IEnumerable<string> People() => _endedTracks.Select(e => e.Person).OfType<string>().Distinct();

    private async Task AnalyzeAsync(Action? afterFrame, CancellationToken cancellationToken)
    {
        await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(cancellationToken), cancellationToken))
        {
            await RecordAsync(frame, cancellationToken);
            afterFrame?.Invoke();
        }
    }

    private async Task RecordAsync(AnalyzedFrame frame, CancellationToken cancellationToken)
    {
        _frames = Math.Max(_frames, frame.Frame.Index + 1);
        _last = frame.Frame.Timestamp;
        _tracks += frame.Events.Count(e => e.Kind == VideoEventKind.TrackStarted);
        _endedTracks.AddRange(frame.Events.Where(e => e.Kind == VideoEventKind.TrackEnded));
        foreach (var e in await outputs.AddAsync(frame, cancellationToken))
        {
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
