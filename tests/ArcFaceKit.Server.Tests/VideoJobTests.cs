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
