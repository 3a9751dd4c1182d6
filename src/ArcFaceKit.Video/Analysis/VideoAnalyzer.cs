using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Matching;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Quality;
using ArcFaceKit.Service;
using ArcFaceKit.Tracking;

namespace ArcFaceKit.Video;

/// <summary>
/// Faces in video, identified once per track rather than once per frame: detection on the frames (every Nth), the face
/// tracker between them, and a track's face embedded only when it is confirmed and then at growing intervals, on its best
/// frames. A track is named on its quality-weighted template with the gallery's 1:N scoring and threshold, only when
/// enough of its faces agree and the best subject leads the second by a margin; unknown people get visitor ids that hold
/// for the whole analysis. Not thread-safe: one analyzer follows one source; the same frames give the same results.
/// </summary>
public sealed class VideoAnalyzer
{
    private readonly FacePipeline _pipeline;
    private readonly IFaceGallery? _gallery;
    private readonly VideoAnalysisOptions _options;
    private readonly SimilarityThreshold _threshold;
    private readonly FaceTracker _tracker;
    private readonly Dictionary<int, TrackRecognition> _tracks = [];
    private readonly VisitorBook _visitors;
    private readonly VisitLog _visits;
    private readonly SceneCuts _cuts;
    private readonly GalleryService? _collector;
    private readonly ConcurrentQueue<string> _forgotten = new();
    private long _frames;

    /// <summary>Analyses with the pipeline's stages; with a gallery, tracks are named as its subjects, else only visitors.</summary>
    public VideoAnalyzer(FacePipeline pipeline, IFaceGallery? gallery = null, VideoAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _gallery = gallery;
        _options = options ?? VideoAnalysisOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.DetectEvery, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinAgreeingFaces, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxEmbeddingsPerTrack, _options.MinAgreeingFaces, nameof(options));
        _threshold = _options.Threshold ?? pipeline.DefaultThreshold;
        _tracker = new FaceTracker(_options.Tracker with { RelinkThreshold = _options.Tracker.RelinkThreshold ?? _threshold });
        _visitors = new VisitorBook(_threshold.Cosine);
        _visits = new VisitLog(_options.VisitGap);
        _cuts = new SceneCuts(_options.SceneCutDifference);
        _collector = gallery is not null && _options.CollectUnknownAs is not null ? new GalleryService(pipeline) : null;
    }

    /// <summary>Faces embedded so far (embedder runs, one a face).</summary>
    public int EmbeddedFaces { get; private set; }

    /// <summary>
    /// Forgets a subject erased from the gallery, from the next frame on: tracks named as it are unnamed again (and
    /// become visitors), its faces' matches to it are dropped, and its visit ends without a "left" event, so no later
    /// event names it. Safe to call from any thread while the analysis runs.
    /// </summary>
    public void Forget(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        _forgotten.Enqueue(subject);
    }

    /// <summary>
    /// Each frame's confirmed tracks and events, in order; after the last frame, one more result (<see cref="AnalyzedFrame.IsEnd"/>)
    /// with the tracks and visits the end closes.
    /// </summary>
    public async IAsyncEnumerable<AnalyzedFrame> AnalyzeAsync(IAsyncEnumerable<VideoFrame> frames, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        VideoFrame? last = null;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return await AnalyzeFrameAsync(frame, cancellationToken).ConfigureAwait(false);
            last = frame;
        }

        if (last is not null)
        {
            var events = new List<VideoEvent>();
            await EndTracksAsync(_tracker.EndAll(last.Timestamp), events, cancellationToken).ConfigureAwait(false);
            events.AddRange(_visits.Close(null, new HashSet<string>()));
            yield return new AnalyzedFrame(last, [], events) { IsEnd = true };
        }
    }

    private async Task<AnalyzedFrame> AnalyzeFrameAsync(VideoFrame frame, CancellationToken cancellationToken)
    {
        while (_forgotten.TryDequeue(out string? subject))
        {
            foreach (var known in _tracks.Values)
            {
                known.Forget(subject);
            }

            _visits.Forget(subject);
        }

        var events = new List<VideoEvent>();
        var now = frame.Timestamp;
        if (_cuts.IsCut(frame.Image))
        {
            await EndTracksAsync(_tracker.EndAll(now), events, cancellationToken).ConfigureAwait(false);
        }

        bool detect = _frames++ % _options.DetectEvery == 0;
        var embedded = new Dictionary<DetectedFace, FaceRecord>(ReferenceEqualityComparer.Instance);
        IReadOnlyList<FaceTrack> tracks;
        if (detect)
        {
            var found = await _pipeline.DetectAsync(frame.Image, FaceSelection.All, AnalysisLane.Frames, cancellationToken).ConfigureAwait(false);
            // No face is embedded before association: one that comes back is checked against the lost tracks at its
            // track's first embedding, due on confirmation anyway (VerifyAsync), which costs no run of its own.
            tracks = _tracker.Update(now, [.. found.Select(f => new FaceObservation(f))]);
            tracks = await VerifyAsync(frame, tracks, embedded, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            tracks = _tracker.Predict(now);
        }

        var due = new List<TrackRecognition>();
        var dueFaces = new List<DetectedFace>();
        foreach (var track in tracks)
        {
            if (track.State == TrackState.Ended)
            {
                await EndTrackAsync(track.Id, events, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (track.State != TrackState.Confirmed)
            {
                continue;
            }

            if (!_tracks.TryGetValue(track.Id, out var known))
            {
                _tracks[track.Id] = known = new TrackRecognition(track.Id, track.FirstSeen);
                events.Add(Event(VideoEventKind.TrackStarted, known));
            }

            if (detect && track.LastSeen == now)
            {
                known.LastSeen = now;
                var face = track.LastObservation.Face;
                if (embedded.TryGetValue(face, out var record))
                {
                    await AddAsync(known, record, now, events, cancellationToken).ConfigureAwait(false);
                }
                else if (!_tracker.IsInDoubt(track.Id) && known.IsDue(now, FaceQualityRules.DetectionScore(face), _options))
                {
                    due.Add(known);
                    dueFaces.Add(face);
                }
            }
        }

        var records = await EmbedAsync(frame, dueFaces, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < records.Count; i++)
        {
            _tracker.Observe(due[i].TrackId, records[i].Embedding);
            await AddAsync(due[i], records[i], now, events, cancellationToken).ConfigureAwait(false);
        }

        var shown = tracks.Where(t => t.State == TrackState.Confirmed).ToList();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var known in _tracks.Values.Where(k => k.Person is not null))
        {
            present.Add(known.Person!);
            _visits.Seen(known.Person!, known.IsVisitor, known.TrackId, known.FirstSeen, known.LastSeen);
        }

        events.AddRange(_visits.Close(now, present));
        return new AnalyzedFrame(frame, [.. shown.Select(t => Shown(t, detect && t.LastSeen == now))], events);
    }

    /// <summary>
    /// Tracks whose boxes touched another's are checked by appearance once apart (the tracker may have swapped two faces
    /// that crossed), and, while a lost track could be re-linked, new tracks at their first embedding (due now anyway);
    /// the faces embedded for it count as the tracks' samples. Returns the tracks after the check.
    /// </summary>
    private async Task<IReadOnlyList<FaceTrack>> VerifyAsync(
        VideoFrame frame, IReadOnlyList<FaceTrack> tracks, Dictionary<DetectedFace, FaceRecord> embedded, CancellationToken cancellationToken)
    {
        var doubted = _tracker.ToVerify();
        if (doubted.Count == 0)
        {
            return tracks;
        }

        var records = await EmbedAsync(frame, [.. doubted.Select(t => t.LastObservation.Face)], cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            embedded[record.Face] = record;
        }

        var checkedTracks = _tracker.Verify([.. doubted.Select((t, i) => new TrackFace(t.Id, records[i].Embedding))]);
        return [.. tracks.Where(t => t.State == TrackState.Ended).Concat(checkedTracks).OrderBy(t => t.Id)];
    }

    private TrackedFace Shown(FaceTrack track, bool detected) =>
        new(track.Id, track.State, track.Box, detected, _tracks[track.Id].Person, _tracks[track.Id].IsVisitor);

    private async Task<IReadOnlyList<FaceRecord>> EmbedAsync(VideoFrame frame, List<DetectedFace> faces, CancellationToken cancellationToken)
    {
        if (faces.Count == 0)
        {
            return [];
        }

        EmbeddedFaces += faces.Count;
        return await _pipeline.EmbedAsync(frame.Image, faces, AnalysisLane.Frames, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds an embedded face to its track and decides again whom the track is.</summary>
    private async Task AddAsync(TrackRecognition known, FaceRecord face, TimeSpan now, List<VideoEvent> events, CancellationToken cancellationToken)
    {
        bool large = MathF.Min(face.Face.Box.Width, face.Face.Box.Height) >= _options.MinFaceSize;
        string? own = null;
        if (_gallery is not null && large)
        {
            var matches = await _gallery.SearchAsync(face.Embedding, 1, _options.Scoring, cancellationToken).ConfigureAwait(false);
            own = matches.Count > 0 && matches[0].Similarity >= _threshold.Cosine ? matches[0].Subject : null;
        }

        known.Add(face, new TrackSample(face.Embedding, FaceQualityRules.Assess(face).ImageScore, large, own), now);
        if (await NameAsync(known, cancellationToken).ConfigureAwait(false) is { } kind)
        {
            events.Add(Event(kind, known));
            Arrive(known, events);
            JoinLost(known);
        }
        else if (known.Person is null && known.Samples.Count > _options.MinAgreeingFaces)
        {
            // One more face than naming needs: an enrolled person is named by then, so a visitor is not made in passing.
            MakeVisitor(known, events);
        }
    }

    /// <summary>Names the track as a subject when its template and enough of its faces say so; the event kind, or null when the name did not change.</summary>
    private async Task<VideoEventKind?> NameAsync(TrackRecognition known, CancellationToken cancellationToken)
    {
        if (_gallery is null || known.Template(s => s.Large) is not { } template)
        {
            return null;
        }

        var matches = await _gallery.SearchAsync(template, 2, _options.Scoring, cancellationToken).ConfigureAwait(false);
        if (matches.Count == 0 || matches[0].Similarity < _threshold.Cosine
            || (matches.Count > 1 && matches[0].Similarity - matches[1].Similarity < _options.Margin)
            || known.Samples.Count(s => s.Large && s.OwnMatch == matches[0].Subject) < _options.MinAgreeingFaces)
        {
            return null;
        }

        known.Similarity = matches[0].Similarity;
        if (known.Person == matches[0].Subject && !known.IsVisitor)
        {
            return null;
        }

        var kind = known.Person is null || known.IsVisitor ? VideoEventKind.Identified : VideoEventKind.Revised;
        (known.Person, known.IsVisitor) = (matches[0].Subject, false);
        return kind;
    }

    private void MakeVisitor(TrackRecognition known, List<VideoEvent> events)
    {
        // A visitor followed in another track now is someone else; one whose track is lost may be this one back.
        var elsewhere = _tracks.Values.Where(t => t != known && t.IsVisitor && !_tracker.IsLost(t.TrackId)).Select(t => t.Person!).ToHashSet(StringComparer.Ordinal);
        (known.Person, known.IsVisitor) = (_visitors.Assign(known.Template(_ => true)!, elsewhere), true);
        events.Add(Event(VideoEventKind.Identified, known));
        Arrive(known, events);
        JoinLost(known);
    }

    /// <summary>
    /// A track named as the person of a lost track is that track come back where appearance alone missed it: the lost
    /// track goes on with both tracks' faces, and this one ends.
    /// </summary>
    private void JoinLost(TrackRecognition known)
    {
        foreach (var lost in _tracks.Values.Where(t => t != known && t.Person == known.Person && t.IsVisitor == known.IsVisitor))
        {
            if (_tracker.Merge(lost.TrackId, known.TrackId))
            {
                lost.Absorb(known);
                return;
            }
        }
    }

    private void Arrive(TrackRecognition known, List<VideoEvent> events)
    {
        if (_visits.Seen(known.Person!, known.IsVisitor, known.TrackId, known.FirstSeen, known.LastSeen))
        {
            events.Add(Event(VideoEventKind.Arrived, known));
        }
    }

    private async Task EndTracksAsync(IReadOnlyList<FaceTrack> tracks, List<VideoEvent> events, CancellationToken cancellationToken)
    {
        foreach (var track in tracks.Where(t => t.State == TrackState.Ended))
        {
            await EndTrackAsync(track.Id, events, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A track's end: a track still unnamed with enough faces becomes a visitor first, so every person is counted; an
    /// unknown one's best face is kept in the gallery's unnamed groups when asked.
    /// </summary>
    private async Task EndTrackAsync(int trackId, List<VideoEvent> events, CancellationToken cancellationToken)
    {
        if (!_tracks.Remove(trackId, out var known))
        {
            return;
        }

        if (known.Person is null && known.Samples.Count >= _options.MinAgreeingFaces)
        {
            MakeVisitor(known, events);
        }

        long? group = null;
        if (_collector is not null && _gallery is not null && known.IsVisitor && known.BestFace is { } best)
        {
            var kept = await _collector.CollectFaceAsync(_gallery, best, _options.CollectUnknownAs!, $"video track {known.TrackId} ({known.Person})", cancellationToken).ConfigureAwait(false);
            group = kept?.Group;
        }

        events.Add(Event(VideoEventKind.TrackEnded, known) with { Group = group });
    }

    private static VideoEvent Event(VideoEventKind kind, TrackRecognition known) =>
        new(kind, known.TrackId, known.Person, known.IsVisitor, known.IsVisitor ? float.NaN : known.Similarity, known.FirstSeen, known.LastSeen, known.BestFace?.Crop)
        {
            Template = known.Template(_ => true),
        };
}
