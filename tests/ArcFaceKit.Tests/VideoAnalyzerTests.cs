using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using ArcFaceKit.Video;

namespace ArcFaceKit.Tests;

/// <summary>Faces in the real clips, tracked and named once per track (issue 31, item 3), at 5 analysed frames a second.</summary>
[Collection(VideoCollection.Name)]
public sealed class VideoAnalyzerTests : IDisposable
{
    private static readonly VideoSourceOptions FiveASecond = new() { Fps = 5 };
    private readonly string _dir = Directory.CreateTempSubdirectory("arcfacekit-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The test models with the detector at the library's defaults (640 input): the clips' 12-40 px faces need its upscaling.</summary>
    private static FacePipeline OpenPipeline() => Shared.OpenPipeline(Shared.ModelSet with { Detection = DetectorOptions.Default });

    // classroom.gif is left out: its fourth person's face is blurred by the publisher and not counted by its README, but at
    // 12-18 px it looks like the other three to the detector and the embedder, so it is counted as a fourth (docs/video.md).
    [Theory]
    [InlineData("walking.gif", 2)]
    [InlineData("walking-and-pause.gif", 3)]
    [InlineData("head-pose-two.gif", 2)]
    [InlineData("head-pose-one.gif", 1)]
    [InlineData("webcam-a.mp4", 1)]
    public async Task Each_person_of_a_real_clip_is_counted_once(string clip, int people)
    {
        using var pipeline = OpenPipeline();
        var ended = await EndedTracksAsync(new VideoAnalyzer(pipeline), clip);
        Assert.Equal(people, ended.Select(e => e.Person).OfType<string>().Distinct().Count());
        Assert.All(ended.Where(e => e.Person is not null), e => Assert.True(e.IsVisitor));
    }

    [Fact]
    public async Task The_man_enrolled_from_three_frames_of_webcam_a_is_named_in_webcam_b_within_a_second_and_is_never_a_second_person()
    {
        using var pipeline = OpenPipeline();
        await using var gallery = await EnrolledGalleryAsync(pipeline);
        var analyzer = new VideoAnalyzer(pipeline, gallery);
        var events = await EventsAsync(analyzer, "webcam-b.mp4");

        var ended = events.Where(e => e.Kind == VideoEventKind.TrackEnded).ToList();
        Assert.NotEmpty(ended);
        Assert.All(ended, e => Assert.Equal(("webcam-man", false), (e.Person, e.IsVisitor)));
        var named = events.First(e => e.Kind == VideoEventKind.Identified);
        Assert.True(named.LastSeen - named.FirstSeen < TimeSpan.FromSeconds(1), $"named after {named.LastSeen - named.FirstSeen}");
        Assert.Single(events, e => e.Kind == VideoEventKind.Arrived);
        Assert.InRange(analyzer.EmbeddedFaces, 1, 12 * ended.Count);
    }

    [Fact]
    public async Task Someone_not_enrolled_is_never_named_but_stays_one_visitor_for_minutes()
    {
        using var pipeline = OpenPipeline();
        await using var gallery = await EnrolledGalleryAsync(pipeline);
        var analyzer = new VideoAnalyzer(pipeline, gallery);
        var ended = await EndedTracksAsync(analyzer, "franck.mp4");

        Assert.All(ended, e => Assert.True(e.IsVisitor, $"track {e.TrackId} named {e.Person}"));
        Assert.Single(ended.Select(e => e.Person).OfType<string>().Distinct());

        // 200 s of one face: a bounded number of embedder runs, not one a frame (1,000 analysed frames).
        Assert.InRange(analyzer.EmbeddedFaces, 1, 12 * ended.Count);
    }

    [Fact]
    public async Task An_unknown_man_kept_in_the_unnamed_groups_and_named_there_is_named_in_the_next_clip()
    {
        using var pipeline = OpenPipeline();
        await using var gallery = await SqliteGallery.OpenAsync(Path.Combine(_dir, "g.db"), pipeline.Embedder.Identity);
        var options = VideoAnalysisOptions.Default with { CollectUnknownAs = "test" };
        var ended = await EndedTracksAsync(new VideoAnalyzer(pipeline, gallery, options), "webcam-a.mp4");

        var kept = ended.Where(e => e.Group is not null).ToList();
        Assert.NotEmpty(kept);
        Assert.Single(kept.Select(e => e.Group).Distinct());   // his tracks' faces join one group
        var group = Assert.Single(await gallery.ListGroupsAsync());
        await gallery.NameGroupAsync(group.Id, "webcam-man", "test");

        var named = await EndedTracksAsync(new VideoAnalyzer(pipeline, gallery), "webcam-b.mp4");
        Assert.All(named, e => Assert.Equal(("webcam-man", false), (e.Person, e.IsVisitor)));
    }

    [Fact]
    public async Task A_camera_stream_killed_mid_way_is_analysed_again_when_it_returns_and_its_man_is_still_the_same_person()
    {
        using var pipeline = OpenPipeline();
        using var camera = new LoopbackStream(VideoClips.Path("webcam-b.mp4"), Ports.Free());
        var quick = new VideoSourceOptions { Fps = 5, ProbeDuration = TimeSpan.FromSeconds(1), StallTimeout = TimeSpan.FromSeconds(2), ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(400) };
        await using var source = await VideoSource.OpenAsync(camera.Url, quick);
        var states = new List<VideoSourceState>();
        source.StatusChanged += (_, s) => { lock (states) { states.Add(s.State); } };
        var analyzer = new VideoAnalyzer(pipeline, options: VideoAnalysisOptions.Default with { VisitGap = TimeSpan.FromMinutes(5) });
        var events = new List<VideoEvent>();
        var tracked = new List<(TimeSpan Time, int Track, string? Person)>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        TimeSpan? returned = null;
        await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync(patience.Token), patience.Token))
        {
            events.AddRange(frame.Events);
            tracked.AddRange(frame.Faces.Where(f => f.Detected).Select(f => (frame.Frame.Timestamp, f.TrackId, f.Person)));
            if (returned is null && events.Any(e => e.Kind == VideoEventKind.Identified))
            {
                // The man is a visitor: the camera dies for 3 s (past the tracker's 1 s lost buffer), then comes back.
                camera.Kill();
                await Task.Delay(TimeSpan.FromSeconds(3));
                camera.Restart();
                returned = frame.Frame.Timestamp;
            }
            else if (returned is { } at && tracked.Count(t => t.Time > at) >= 10)
            {
                break;
            }
        }

        lock (states)
        {
            Assert.Contains(VideoSourceState.Reconnecting, states);
        }

        // After the return his face is followed again, by the same person: re-linked by appearance to his track, or
        // a new track that joins the same visitor; never a second person, never a second arrival.
        var after = tracked.Where(t => t.Time > returned!.Value).ToList();
        Assert.True(after.Count >= 10, $"{after.Count} faces after the camera came back");
        Assert.Single(events.Where(e => e.Kind == VideoEventKind.Identified).Select(e => e.Person).Distinct());
        Assert.All(after.Where(t => t.Person is not null), t => Assert.Equal(events.First(e => e.Kind == VideoEventKind.Identified).Person, t.Person));
        Assert.Single(events, e => e.Kind == VideoEventKind.Arrived);
    }

    /// <summary>A gallery with the man of webcam-a (frames at 0, 20 and 40 s) and three LFW people.</summary>
    private async Task<IFaceGallery> EnrolledGalleryAsync(FacePipeline pipeline)
    {
        var gallery = await SqliteGallery.OpenAsync(Path.Combine(_dir, "g.db"), pipeline.Embedder.Identity);
        var service = new GalleryService(pipeline);
        await using (var source = await VideoSource.OpenAsync(VideoClips.Path("webcam-a.mp4"), new VideoSourceOptions { Fps = 0.05 }))
        {
            var frames = new List<PhotoToEnroll>();
            await foreach (var frame in source.ReadFramesAsync())
            {
                frames.Add(new PhotoToEnroll(frame.Image, $"webcam-a at {frame.Timestamp}"));
            }

            Assert.Equal(3, frames.Count);
            await service.EnrollAsync(gallery, "webcam-man", frames, FaceSelection.Largest, "test");
        }

        foreach (var name in new[] { "Ajit_Agarkar", "Angela_Merkel", "Brawley_King" })
        {
            await service.EnrollAsync(gallery, name, [new PhotoToEnroll(pipeline.DecodeFile(Shared.LfwImage($"{name}_0001.jpg")))], FaceSelection.Largest, "test");
        }

        return gallery;
    }

    private static async Task<List<VideoEvent>> EndedTracksAsync(VideoAnalyzer analyzer, string clip) =>
        [.. (await EventsAsync(analyzer, clip)).Where(e => e.Kind == VideoEventKind.TrackEnded)];

    private static async Task<List<VideoEvent>> EventsAsync(VideoAnalyzer analyzer, string clip)
    {
        await using var source = await VideoSource.OpenAsync(VideoClips.Path(clip), FiveASecond);
        var events = new List<VideoEvent>();
        await foreach (var frame in analyzer.AnalyzeAsync(source.ReadFramesAsync()))
        {
            events.AddRange(frame.Events);
        }

        return events;
    }
}
