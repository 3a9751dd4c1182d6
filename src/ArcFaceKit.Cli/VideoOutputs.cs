using System.Text.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Evaluation;
using ArcFaceKit.Imaging;
using ArcFaceKit.Reports;
using ArcFaceKit.Video;

namespace ArcFaceKit.Cli;

/// <summary>
/// What `arcface video --out DIR` writes: events.jsonl (one event a line), tracks.txt (every analysed frame's confirmed
/// tracks in the MOTChallenge text format, numbered as the file's frames from 1, so a sampled analysis lines up with
/// ground truth of every frame; a live source's frames are numbered as they came), frames.txt (the numbers of the
/// frames analysed, one a line, which `eval video` measures on), faces/track-N.png (each track's best face) and people/NAME.png (a
/// contact sheet of each person's tracks); with --annotate, a video of the analysed frames with boxes, track ids and names.
/// </summary>
internal sealed class VideoOutputs : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string _source;
    private readonly StreamWriter? _events;
    private readonly List<MotRow> _rows = [];
    private readonly Dictionary<string, List<(RgbImage Face, string Caption)>> _people = new(StringComparer.Ordinal);
    private readonly string? _annotated;
    private readonly double _fps;
    private readonly double? _frameRate;
    private readonly List<int> _frames = [];
    private VideoWriter? _video;

    /// <summary>
    /// Outputs into <paramref name="folder"/> (none when null) for <paramref name="source"/>; an annotated video at
    /// <paramref name="fps"/> when <paramref name="annotated"/> names one; frames numbered by <paramref name="frameRate"/>,
    /// a file's own frame rate (null for a live source).
    /// </summary>
    public VideoOutputs(string? folder, string source, string? annotated, double fps, double? frameRate)
    {
        _folder = folder;
        _source = source;
        (_annotated, _fps, _frameRate) = (annotated, fps, frameRate);
        if (folder is not null)
        {
            Directory.CreateDirectory(Path.Combine(folder, "faces"));
            _events = new StreamWriter(Path.Combine(folder, "events.jsonl"));
        }
    }

    /// <summary>Every analysed frame's confirmed tracks so far, as MOTChallenge rows.</summary>
    public IReadOnlyList<MotRow> Tracks => _rows;

    /// <summary>The numbers of the frames analysed so far, in order (as <see cref="Tracks"/> numbers them).</summary>
    public IReadOnlyList<int> Frames => _frames;

    /// <summary>Records a frame; returns its events in their wire shape.</summary>
    public async Task<IReadOnlyList<VideoEventJson>> AddAsync(AnalyzedFrame frame, CancellationToken cancellationToken)
    {
        if (_annotated is not null && !frame.IsEnd)
        {
            var image = frame.Frame.Image;
            _video ??= VideoWriter.Start(_annotated, image.Width, image.Height, new VideoEncoding(_fps));
            var labels = frame.Faces.Select(f => new FaceLabel(f.Box, f.Person is null ? $"#{f.TrackId}" : $"#{f.TrackId} {f.Person}", f.Person is not null && !f.IsVisitor)).ToList();
            await _video.WriteAsync(FrameAnnotator.Draw(image, labels), cancellationToken).ConfigureAwait(false);
        }

        if (!frame.IsEnd)
        {
            int number = Number(frame.Frame);
            _frames.Add(number);
            _rows.AddRange(frame.Faces.Select(f => new MotRow(number, f.TrackId, f.Box)));
        }

        var events = new List<VideoEventJson>(frame.Events.Count);
        foreach (var e in frame.Events)
        {
            string? file = null;
            if (e.Kind == VideoEventKind.TrackEnded && e.BestFace is { } best)
            {
                file = WriteFace(e.TrackId, best);
                if (e.Person is { } person)
                {
                    (_people.TryGetValue(person, out var tiles) ? tiles : _people[person] = []).Add((best, $"track {e.TrackId}"));
                }
            }

            var json = VideoEventJson.From(e, _source, file);
            _events?.WriteLine(JsonSerializer.Serialize(json, JsonShapes.Options));
            events.Add(json);
        }

        return events;
    }

    /// <summary>A frame's number from 1, as the format counts them: a file's from its timestamp, a live source's in order.</summary>
    private int Number(VideoFrame frame) =>
        _frameRate is { } rate ? (int)Math.Round(frame.Timestamp.TotalSeconds * rate) + 1 : (int)frame.Index + 1;

    /// <summary>Writes the tracks file and the contact sheets, and ends the annotated video.</summary>
    public async Task FinishAsync()
    {
        if (_video is not null)
        {
            await _video.CompleteAsync().ConfigureAwait(false);
        }

        if (_folder is null)
        {
            return;
        }

        _events!.Flush();
        MotChallengeText.Write(Path.Combine(_folder, "tracks.txt"), _rows);
        await File.WriteAllLinesAsync(Path.Combine(_folder, AnalysedFrames.FileName), _frames.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
        var sheets = Path.Combine(_folder, "people");
        Directory.CreateDirectory(sheets);
        foreach (var (person, tiles) in _people)
        {
            ContactSheet.WritePng(tiles, person, Path.Combine(sheets, $"{FileName(person)}.png"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_video is not null)
        {
            await _video.DisposeAsync().ConfigureAwait(false);
        }

        if (_events is not null)
        {
            await _events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string? WriteFace(int track, RgbImage face)
    {
        if (_folder is null)
        {
            return null;
        }

        var path = Path.Combine(_folder, "faces", $"track-{track}.png");
        ImageEncoder.WritePng(face, path);
        return path;
    }

    private static string FileName(string person) =>
        string.Concat(person.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
