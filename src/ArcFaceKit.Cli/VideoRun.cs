using System.Diagnostics;
using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Video;
using Spectre.Console;

namespace ArcFaceKit.Cli;

/// <summary>One `arcface video` run: frames through the analyzer into the outputs, with a progress bar for files and events as they happen.</summary>
internal sealed class VideoRun(VideoSource source, VideoAnalyzer analyzer, VideoOutputs outputs, bool json)
{
    private readonly VideoTally _tally = new();

    /// <summary>The end event of every track, in order.</summary>
    public IReadOnlyList<VideoEvent> EndedTracks => _tally.EndedTracks;

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
                    task.Value = Math.Min(_tally.Frames, total.Value);
                    task.Description = $"{_tally.Frames} frames, {_tally.Time.TotalSeconds / clock.Elapsed.TotalSeconds:F1}x real time, {_tally.Tracks} tracks, {_tally.People().Count()} people";
                }, cancellationToken);
            });
        }

        return _tally.Summary(source.Location, clock.Elapsed, analyzer.EmbeddedFaces);
    }

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
        _tally.Add(frame);
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
