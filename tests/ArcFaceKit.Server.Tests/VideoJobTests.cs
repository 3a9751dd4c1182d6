using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ArcFaceKit.Contracts;
using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Tests.Support;
using ArcFaceKit.Server.Videos;
using Microsoft.Extensions.DependencyInjection;

namespace ArcFaceKit.Server.Tests;

/// <summary>Video files as jobs: webcam-b.mp4 uploaded to a server that knows its man (enrolled from three frames of webcam-a.mp4).</summary>
public sealed class VideoJobTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _folder = Directory.CreateTempSubdirectory("arcface-videojobs-").FullName;

    [Fact]
    public async Task An_uploaded_video_is_analysed_in_the_background_its_man_named_with_his_tracks_and_events_and_only_its_key_sees_it()
    {
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, _ => { }), kestrel: true);
        await WebcamMan.EnrolAsync(app);
        string key = app.NewKey(ApiScopes.Cameras), other = app.NewKey(ApiScopes.Cameras, "other");
        using var submitted = await UploadAsync(app, key, await File.ReadAllBytesAsync(WebcamMan.Clip("webcam-b.mp4")), "?fps=5");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<VideoJobJson>())!;
        Assert.Equal($"/v1/videos/{job.Id}", submitted.Headers.Location?.OriginalString);
        Assert.Equal((400, 300, 5.0), (job.Width, job.Height, job.Fps));
        Assert.InRange(job.Duration!.Value, 30, 31);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, other, HttpMethod.Get, $"/v1/videos/{job.Id}")).StatusCode);

        var done = await WaitForAsync(app, key, job.Id, j => j.State is "done" or "failed");
        Assert.Equal(("done", 1.0), (done.State, done.Progress));
        Assert.Equal([WebcamMan.Subject], done.Summary.Subjects);
        Assert.Empty(done.Summary.Visitors);
        Assert.InRange(done.Summary.Seconds, 29, 31);
        Assert.True(done.Summary.EmbeddedFaces is > 0 and < 30, $"{done.Summary.EmbeddedFaces} embedder runs for one man in 30 s at 5 fps");

        var identified = await GetAsync<List<VideoEventJson>>(app, key, $"/v1/videos/{job.Id}/events?kind=identified");
        Assert.NotEmpty(identified);
        Assert.All(identified, e => Assert.Equal((WebcamMan.Subject, job.Id), (e.Person, e.Source)));
        Assert.Single(await GetAsync<List<VideoEventJson>>(app, key, $"/v1/videos/{job.Id}/events?kind=arrived"));   // one visit, one arrival
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(app, key, HttpMethod.Get, $"/v1/videos/{job.Id}/events?kind=nonsense")).StatusCode);
        var tracks = await GetAsync<List<VideoEventJson>>(app, key, $"/v1/videos/{job.Id}/tracks");
        Assert.All(tracks, t => Assert.Equal("track-ended", t.Event));
        Assert.Contains(tracks, t => t.Person == WebcamMan.Subject);
        Assert.Equal(tracks.Count, done.Summary.Tracks);
        string face = tracks.First(t => t.Person == WebcamMan.Subject).Face!;
        Assert.Equal($"/v1/videos/{job.Id}/tracks/{tracks.First(t => t.Person == WebcamMan.Subject).Track}/face", face);
        using (var png = await SendAsync(app, key, HttpMethod.Get, face))
        {
            Assert.Equal(("image/png", 0x89), (png.Content.Headers.ContentType?.MediaType, (await png.Content.ReadAsByteArrayAsync())[0]));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, other, HttpMethod.Get, face)).StatusCode);

        // Erasing him through the server unnames his tracks in the job's results and drops their best faces.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, app.NewKey(ApiScopes.Write, "writer"), HttpMethod.Delete, $"/v1/subjects/{WebcamMan.Subject}")).StatusCode);
        Assert.Empty((await GetAsync<VideoJobJson>(app, key, $"/v1/videos/{job.Id}")).Summary.Subjects);
        Assert.DoesNotContain(await GetAsync<List<VideoEventJson>>(app, key, $"/v1/videos/{job.Id}/events"), e => e.Person == WebcamMan.Subject);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, key, HttpMethod.Get, face)).StatusCode);

        Assert.Equal([job.Id], (await GetAsync<List<VideoJobJson>>(app, key, "/v1/videos")).Select(j => j.Id));
        Assert.Empty(await GetAsync<List<VideoJobJson>>(app, other, "/v1/videos"));
        Assert.Empty(Directory.GetFiles(app.Services.GetRequiredService<VideoJobs>().Folder));   // the upload is gone once analysed
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, other, HttpMethod.Delete, $"/v1/videos/{job.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, key, HttpMethod.Delete, $"/v1/videos/{job.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(app, key, HttpMethod.Get, $"/v1/videos/{job.Id}")).StatusCode);
    }

    [Fact]
    public async Task Uploads_that_are_no_video_too_large_too_long_or_beyond_the_job_limit_are_refused_and_a_running_job_is_cancelled_with_its_ffmpeg()
    {
        byte[] clip = await File.ReadAllBytesAsync(WebcamMan.Clip("webcam-b.mp4"));   // 30.6 s, 608 KB
        byte[] longer = await File.ReadAllBytesAsync(WebcamMan.Clip("webcam-a.mp4"));   // 53.5 s, 1.0 MB
        await using var app = await TestApp.StartAsync(WebcamMan.Options(_folder, o => o.Videos = new VideoJobOptions
        {
            MaxUploadBytes = longer.Length + 1000, MaxDuration = TimeSpan.FromSeconds(40), MaxJobs = 1,
        }), kestrel: true);
        string key = app.NewKey(ApiScopes.Cameras);
        string folder = app.Services.GetRequiredService<VideoJobs>().Folder;

        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(app, app.NewKey(ApiScopes.Read | ApiScopes.Write, "rw"), clip)).StatusCode);
        await RefusedAsync(UploadAsync(app, key, new byte[longer.Length + 1001]), HttpStatusCode.RequestEntityTooLarge, "Video too large");
        await RefusedAsync(UploadAsync(app, key, longer), HttpStatusCode.RequestEntityTooLarge, "Video too long");
        await RefusedAsync(UploadAsync(app, key, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))]), HttpStatusCode.UnprocessableEntity, "Unusable video");
        await RefusedAsync(UploadAsync(app, key, []), HttpStatusCode.BadRequest, "no body");
        await RefusedAsync(UploadAsync(app, key, clip, "?fps=0"), HttpStatusCode.BadRequest, "fps");
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(clip), "video", "clip.mp4" } })
        {
            await RefusedAsync(app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/videos", form)), HttpStatusCode.UnsupportedMediaType, "--data-binary");
        }

        Assert.Empty(Directory.GetFiles(folder));   // nothing refused is kept

        // Cut short (its index at the start, so it probes): analysed up to the damage, then failed with the reason.
        var cut = (await (await UploadAsync(app, key, clip[..(clip.Length / 3)])).Content.ReadFromJsonAsync<VideoJobJson>())!;
        var failed = await WaitForAsync(app, key, cut.Id, j => j.State is "done" or "failed");
        Assert.Equal("failed", failed.State);
        Assert.False(string.IsNullOrWhiteSpace(failed.Message));
        Assert.DoesNotContain("arcface-videos-", failed.Message, StringComparison.Ordinal);
        Assert.InRange(failed.Summary.Seconds, 1, 20);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, key, HttpMethod.Delete, $"/v1/videos/{cut.Id}")).StatusCode);

        // One job at most: a second is refused while the first runs; cancelling the first stops its ffmpeg and frees the slot.
        var job = (await (await UploadAsync(app, key, clip)).Content.ReadFromJsonAsync<VideoJobJson>())!;
        await WaitForAsync(app, key, job.Id, j => j.State == "running" && j.Progress > 0);
        await RefusedAsync(UploadAsync(app, key, clip), HttpStatusCode.TooManyRequests, "at most 1");
        Assert.NotEmpty(FfmpegProcesses.Matching(line => line.Contains(job.Id, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(app, key, HttpMethod.Delete, $"/v1/videos/{job.Id}")).StatusCode);
        Assert.Empty(FfmpegProcesses.Gone(line => line.Contains(job.Id, StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFiles(folder));
        using var again = await UploadAsync(app, key, clip);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task A_video_is_fetched_by_URL_only_from_hosts_the_operator_allows_and_analysed_as_an_upload()
    {
        using var files = new ClipServer(await File.ReadAllBytesAsync(WebcamMan.Clip("webcam-b.mp4")));
        var options = WebcamMan.Options(_folder, o => o.Videos.AllowedHosts = ["127.0.0.1"]);
        await using (var closed = await TestApp.StartAsync(WebcamMan.Options(_folder, o => o.SqlitePath = Path.Combine(_folder, "closed.db"))))
        {
            await RefusedAsync(FromUrlAsync(closed, closed.NewKey(ApiScopes.Cameras), files.Url("clip.mp4")), HttpStatusCode.Forbidden, "allows no video URLs");   // none by default
        }

        await using var app = await TestApp.StartAsync(options, kestrel: true);
        string key = app.NewKey(ApiScopes.Cameras);
        await RefusedAsync(FromUrlAsync(app, key, files.Url("clip.mp4").Replace("127.0.0.1", "127.0.0.2", StringComparison.Ordinal)), HttpStatusCode.Forbidden, "not among the video URLs");
        await RefusedAsync(FromUrlAsync(app, key, files.Url("clip.mp4").Replace("http://", "http://u:p@", StringComparison.Ordinal)), HttpStatusCode.BadRequest, "user:password");
        await RefusedAsync(FromUrlAsync(app, key, "file:///etc/passwd"), HttpStatusCode.BadRequest, "http://");
        await RefusedAsync(FromUrlAsync(app, key, files.Url("missing.mp4")), HttpStatusCode.UnprocessableEntity, "answered 404");
        await RefusedAsync(FromUrlAsync(app, key, files.Url("moved")), HttpStatusCode.UnprocessableEntity, "redirects are not followed");
        Assert.Empty(Directory.GetFiles(app.Services.GetRequiredService<VideoJobs>().Folder));

        using var submitted = await FromUrlAsync(app, key, files.Url("clip.mp4"), fps: 2);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<VideoJobJson>())!;
        Assert.Equal((400, 300, 2.0), (job.Width, job.Height, job.Fps));
        var done = await WaitForAsync(app, key, job.Id, j => j.State is "done" or "failed");
        Assert.Equal("done", done.State);
        Assert.True(done.Summary.Tracks > 0 && done.Summary.Visitors.Count > 0, $"{done.Summary}");   // the man, enrolled nowhere, as a visitor
    }

    private static Task<HttpResponseMessage> FromUrlAsync(TestApp app, string key, string url, double? fps = null) =>
        app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/videos/from-url", JsonContent.Create(new VideoUrlRequest(url, fps))));

    /// <summary>Serves a clip at /clip.mp4 on 127.0.0.1, a redirect to it at /moved, and 404 for the rest.</summary>
    private sealed class ClipServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _clip;
        private readonly int _port = Ports.Free();

        public ClipServer(byte[] clip)
        {
            _clip = clip;
            _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url(string path) => $"http://127.0.0.1:{_port}/{path}";

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var response = context.Response;
                switch (context.Request.Url!.AbsolutePath)
                {
                    case "/clip.mp4":
                        response.ContentType = "video/mp4";
                        response.ContentLength64 = _clip.Length;
                        await response.OutputStream.WriteAsync(_clip);
                        break;
                    case "/moved":
                        response.Redirect(Url("clip.mp4"));
                        break;
                    default:
                        response.StatusCode = 404;
                        break;
                }
            }
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<HttpResponseMessage> UploadAsync(TestApp app, string key, byte[] video, string query = "")
    {
        var body = new ByteArrayContent(video);
        body.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return await app.Client.SendAsync(TestApp.With(key, HttpMethod.Post, "/v1/videos" + query, body));
    }

    private static async Task RefusedAsync(Task<HttpResponseMessage> request, HttpStatusCode status, string reason)
    {
        using var answer = await request;
        string text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == status, $"{answer.StatusCode}: {text}");
        Assert.True(text.Contains(reason, StringComparison.Ordinal), text);
        Assert.DoesNotContain("arcface-videos-", text, StringComparison.Ordinal);   // no server path in a refusal
    }

    private static Task<HttpResponseMessage> SendAsync(TestApp app, string key, HttpMethod method, string path) => app.Client.SendAsync(TestApp.With(key, method, path));

    private static async Task<T> GetAsync<T>(TestApp app, string key, string path)
    {
        using var answer = await SendAsync(app, key, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<T>())!;
    }

    private static async Task<VideoJobJson> WaitForAsync(TestApp app, string key, string id, Func<VideoJobJson, bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        VideoJobJson job;
        while (!condition(job = await GetAsync<VideoJobJson>(app, key, $"/v1/videos/{id}")))
        {
            Assert.True(DateTime.UtcNow < until, $"the job never got there: {job}");
            await Task.Delay(50);
        }

        return job;
    }
}
