using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ArcFaceKit.Detection;
using ArcFaceKit.Gallery;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Server.Cameras;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.Service;
using ArcFaceKit.Video;
using Microsoft.Extensions.DependencyInjection;

namespace ArcFaceKit.Server.Tests;

/// <summary>
/// Cameras in the server, on a real stream: webcam-b.mp4 served live on 127.0.0.1 by ffmpeg (LoopbackStream), its man
/// enrolled from three frames of webcam-a.mp4 (the same person), the events read over Server-Sent Events.
/// </summary>
public sealed class CameraTests : IDisposable
{
    private const string Password = "s3cret-Pa55";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-cameras-").FullName;

    [Fact]
    public async Task A_key_without_the_cameras_scope_cannot_add_list_or_follow_cameras_and_sources_other_than_streams_and_devices_are_refused()
    {
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, o => o.Cameras.MaxCameras = 1), kestrel: true);
        string readWrite = app.NewKey(ApiScopes.Read | ApiScopes.Write), cameras = app.NewKey(ApiScopes.Cameras);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", "http://127.0.0.1:9/cam.ts"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Get, "/v1/cameras")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(app, readWrite, HttpMethod.Get, "/v1/events")).StatusCode);
        Assert.Equal("[]", await (await Send(app, cameras, HttpMethod.Get, "/v1/cameras")).Content.ReadAsStringAsync());

        foreach (var refused in new[]
        {
            new CameraRequest("door", "file:///etc/passwd"), new CameraRequest("door", "concat:/etc/passwd"), new CameraRequest("door", Device: "/etc/passwd"),
            new CameraRequest("door"), new CameraRequest("door", "http://127.0.0.1:9/a", "/dev/video0"), new CameraRequest("../x", "http://127.0.0.1:9/a"),
            new CameraRequest("door", "http://127.0.0.1:9/a", Fps: 0), new CameraRequest("door", "http://127.0.0.1:9/a", Scoring: "nonsense"),
        })
        {
            var answer = await Send(app, cameras, HttpMethod.Post, "/v1/cameras", refused);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{refused}: {answer.StatusCode}");
        }

        // The camera limit; a URL sent back as answered (masked) keeps the stored credentials.
        string url = $"rtsp://admin:{Password}@127.0.0.1:9/stream?token={Password}";
        var added = await (await Send(app, cameras, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", url))).Content.ReadFromJsonAsync<CameraJson>();
        Assert.Equal("rtsp://admin:***@127.0.0.1:9/stream?token=***", added!.Source);
        Assert.Equal(HttpStatusCode.Conflict, (await Send(app, cameras, HttpMethod.Post, "/v1/cameras", new CameraRequest("hall", "http://127.0.0.1:9/a"))).StatusCode);
        var changed = await Send(app, cameras, HttpMethod.Put, "/v1/cameras/door", new CameraRequest(Url: added.Source, Fps: 2));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.DoesNotContain(Password, await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await app.Services.GetRequiredService<GalleryHost>().Gallery.FindCameraAsync("door");
        Assert.Equal((url, 2.0), (stored!.Source, CameraSettings.Parse(stored.Settings).Fps));
        Assert.Equal(HttpStatusCode.NotFound, (await Send(app, cameras, HttpMethod.Get, "/v1/cameras/hall")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(app, cameras, HttpMethod.Delete, "/v1/cameras/door")).StatusCode);
        Assert.Null(await app.Services.GetRequiredService<GalleryHost>().Gallery.FindCameraAsync("door"));
    }

    [Fact]
    public async Task The_enrolled_man_on_a_live_camera_arrives_once_over_SSE_and_events_go_on_after_the_stream_is_killed_and_restarted_with_no_password_in_answers_or_logs()
    {
        var log = new CapturedLog();
        using var stream = new LoopbackStream(WebcamMan.Clip("webcam-b.mp4"), Ports.Free());
        string url = stream.Url.Replace("http://", $"http://viewer:{Password}@", StringComparison.Ordinal);
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, _ => { }), kestrel: true, log: log);
        await WebcamMan.EnrolAsync(app);
        string key = app.NewKey(ApiScopes.Cameras);
        await using var events = new EventListener(app.Url!, key);
        await using var arrivals = new EventListener(app.Url!, key, "?kind=arrived&subject=webcam-man");
        await using var unknown = new EventListener(app.Url!, key, "?unknown=true");

        var added = await Send(app, key, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", url, Fps: 5));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(stream.Url.Replace("http://", "http://viewer:***@", StringComparison.Ordinal), (await added.Content.ReadFromJsonAsync<CameraJson>())!.Source);
        await events.WaitForAsync(e => e.Any(x => x.Type == "arrived"), Patience, "arrival");
        var arrived = events.Events.Single(e => e.Type == "arrived");
        Assert.Equal(("door", "webcam-man"), (arrived.Data.GetProperty("camera").GetString(), arrived.Data.GetProperty("subject").GetString()));
        Assert.Equal(arrived.Id, arrived.Data.GetProperty("id").GetString());
        Assert.True(arrived.Data.GetProperty("score").GetSingle() > 0);
        using (var snapshot = await Send(app, key, HttpMethod.Get, arrived.Data.GetProperty("snapshot").GetString()!))
        {
            Assert.Equal(("image/png", 0x89), (snapshot.Content.Headers.ContentType?.MediaType, (await snapshot.Content.ReadAsByteArrayAsync())[0]));
        }

        // The camera dies for longer than the analysis keeps a lost track for re-linking by his face (10 s), then comes
        // back: reconnecting, then connected, and the man is named again on a new track.
        await WaitForStateAsync(app, key, "connected");
        int firstTrack = arrived.Data.GetProperty("track").GetInt32();
        stream.Kill();
        await WaitForStateAsync(app, key, "reconnecting");
        await Task.Delay(VideoAnalysisOptions.Default.Tracker.RelinkBuffer!.Value + TimeSpan.FromSeconds(1));
        stream.Restart();
        await WaitForStateAsync(app, key, "connected");
        await events.WaitForAsync(e => e.Any(x => x.Type == "identified" && x.Data.GetProperty("track").GetInt32() != firstTrack), Patience, "identification after the restart");
        var status = await StatusAsync(app, key);
        Assert.True(status.Reconnects >= 1 && status.Analysed > 0 && status.LastFrameUtc is not null, $"{status}");
        Assert.Equal(["reconnecting", "connected"], status.Recent.Select(r => r.State).SkipWhile(s => s != "reconnecting").Distinct().Take(2));

        // One visit, one arrival (the outage is within the visit gap), and every event id once.
        Assert.Single(events.Events, e => e.Type == "arrived");
        Assert.Single(arrivals.Events);
        Assert.Equal(events.Events.Count, events.Events.Select(e => e.Id).Distinct().Count());
        Assert.DoesNotContain(unknown.Events, e => e.Data.TryGetProperty("subject", out _));
        Assert.Equal("text/event-stream", events.ContentType);

        string list = await (await Send(app, key, HttpMethod.Get, "/v1/cameras")).Content.ReadAsStringAsync();
        Assert.Contains("viewer:***@", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(app, key, HttpMethod.Delete, "/v1/cameras/door")).StatusCode);
        Assert.Empty(Decoders(stream));
        Assert.Contains(log.Lines, l => l.Contains("Camera door connected", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(Password, StringComparison.Ordinal));
        Assert.DoesNotContain(events.Events, e => e.Data.GetRawText().Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Erasing_the_man_erases_his_snapshots_and_kept_events_and_his_track_goes_on_as_a_visitor()
    {
        using var stream = new LoopbackStream(WebcamMan.Clip("webcam-b.mp4"), Ports.Free());
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, _ => { }), kestrel: true);
        await WebcamMan.EnrolAsync(app);
        string key = app.NewKey(ApiScopes.Cameras), writer = app.NewKey(ApiScopes.Write);
        await using var events = new EventListener(app.Url!, key);
        Assert.Equal(HttpStatusCode.Created, (await Send(app, key, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", stream.Url, Fps: 5))).StatusCode);
        await events.WaitForAsync(e => e.Any(x => x.Type == "arrived"), Patience, "arrival");
        string snapshot = events.Events.First(e => e.Type == "arrived").Data.GetProperty("snapshot").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Send(app, key, HttpMethod.Get, snapshot)).StatusCode);
        string first = events.Events[0].Id!;

        Assert.Equal(HttpStatusCode.NoContent, (await Send(app, writer, HttpMethod.Delete, $"/v1/subjects/{WebcamMan.Subject}")).StatusCode);
        int before = events.Events.Count;
        Assert.Equal(HttpStatusCode.NotFound, (await Send(app, key, HttpMethod.Get, snapshot)).StatusCode);

        // The analysis forgot him: his track, still in view, is a visitor now, and no later event names him.
        await events.WaitForAsync(e => e.Skip(before).Any(x => x.Type == "identified" && x.Data.TryGetProperty("visitor", out _)), Patience, "the track renamed as a visitor");
        Assert.DoesNotContain(events.Events.Skip(before), e => e.Data.TryGetProperty("subject", out _));

        // A client resuming from before the erasure is sent none of the kept events that named him.
        await using var resumed = new EventListener(app.Url!, key, lastEventId: first);
        await resumed.WaitForAsync(e => e.Count > 0, Patience, "the kept events");
        Assert.DoesNotContain(resumed.Events, e => e.Data.TryGetProperty("subject", out _));
    }

    [Fact]
    public async Task A_camera_comes_back_when_the_server_restarts_and_stopping_the_server_stops_its_ffmpeg()
    {
        using var stream = new LoopbackStream(WebcamMan.Clip("webcam-b.mp4"), Ports.Free());
        var options = WebcamMan.Options(_folder, _ => { });
        await using (var first = await TestApp.StartAsync(options, kestrel: true))
        {
            string key = first.NewKey(ApiScopes.Cameras);
            Assert.Equal(HttpStatusCode.Created, (await Send(first, key, HttpMethod.Post, "/v1/cameras", new CameraRequest("door", stream.Url, Fps: 2, MinFaceSize: 40))).StatusCode);
            await WaitForStateAsync(first, key, "connected");
            Assert.Single(Decoders(stream));
        }

        Assert.Empty(Decoders(stream));
        await using var second = await TestApp.StartAsync(options, kestrel: true);
        string again = second.NewKey(ApiScopes.Cameras);
        await WaitForStateAsync(second, again, "connected");
        var camera = (await (await Send(second, again, HttpMethod.Get, "/v1/cameras/door")).Content.ReadFromJsonAsync<CameraJson>())!;
        Assert.Equal((stream.Url, 2.0, 40f), (camera.Source, camera.Fps, camera.MinFaceSize));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<HttpResponseMessage> Send(TestApp app, string key, HttpMethod method, string path, CameraRequest? body = null) =>
        await app.Client.SendAsync(TestApp.With(key, method, path, body is null ? null : JsonContent.Create(body)));

    private static async Task<CameraStatusJson> StatusAsync(TestApp app, string key) =>
        (await (await Send(app, key, HttpMethod.Get, "/v1/cameras/door")).Content.ReadFromJsonAsync<CameraJson>())!.Status;

    private static async Task WaitForStateAsync(TestApp app, string key, string state)
    {
        var until = DateTime.UtcNow + Patience;
        CameraStatusJson status;
        while ((status = await StatusAsync(app, key)).State != state)
        {
            Assert.True(DateTime.UtcNow < until, $"the camera never became {state}: {status.State} ({status.Message})");
            await Task.Delay(50);
        }
    }

    /// <summary>The ffmpeg processes reading the stream (not the one serving it), after giving a stopped one a moment to go.</summary>
    private static List<int> Decoders(LoopbackStream stream)
    {
        string port = ":" + new Uri(stream.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/";
        return FfmpegProcesses.Gone(line => line.Contains(port, StringComparison.Ordinal) && !line.Contains("-listen", StringComparison.Ordinal));
    }
}
